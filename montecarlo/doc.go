// Package montecarlo is the reuptake engine: it validates a model, simulates
// replicates of it molecule by molecule, and hands back the sampled
// observables and per-replicate summaries.
//
// A [Spec] is a model in internal units (µm, ms, molecules; see
// [KOnFromMolar] and [ConcFromMolar]), written by hand or produced from a
// YAML file by the modelfile sub-package. [NewModel] checks it against the
// geometry it builds and compiles it into an immutable [Model]: diffusion
// steps per species and region, membrane hit probabilities, drug states
// added to the transporter schemes, the timestep, long-step and shard
// tables, and the observable columns ([Model.Columns],
// [Model.SummaryColumns]).
//
// An [Engine] simulates one replicate at a time. Each step releases the
// molecules due, moves every free molecule by a Gaussian step (reflecting
// at walls, binding at membrane sites, escaping into sinks, reacting with
// volume sites and first-order clearance), and fires the site transitions
// due, each drawn from an exact exponential waiting time. [RunReplicate]
// runs one replicate to the end; a [Runner] runs many on a pool of workers
// and delivers them in order. Every random number comes from a [Stream]
// keyed by the seed, the replicate index, the shard and the purpose of the
// draw, so results depend on the model, the seed and the replicate index
// only, never on the number of workers. A model with run.shards > 1 splits
// each replicate into spatial slabs stepped in parallel, with the same
// guarantee.
//
// The engine writes no files: montecarlo/batch and montecarlo/results turn
// replicates into Parquet. The design and the physics, with formulas and
// sources, are in docs/design.md of the repository.
package montecarlo
