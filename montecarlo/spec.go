package montecarlo

import (
	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// Spec is a model as the user writes it (in a YAML file or through the Go
// API), in internal units: µm, ms, molecules; D in µm²/ms; first-order
// rates in 1/ms; bimolecular rates in µm³/ms (see KOnFromMolar);
// concentrations in molecules/µm³ (see ConcFromMolar). NewModel validates a
// Spec and compiles it into an immutable Model.
type Spec struct {
	Name         string
	Geometry     GeometrySpec
	Species      []SpeciesSpec
	Baths        []BathSpec
	SiteTypes    []SiteTypeSpec
	Placements   []PlacementSpec
	Releases     []ReleaseSpec
	Degradations []DegradationSpec
	// Regions gives volume regions the properties of a porous medium
	// (extracellular volume fraction α, tortuosity λ).
	Regions []RegionSpec
	// Drugs are transport blockers and substrates at clamped
	// concentrations; see DrugSpec.
	Drugs []DrugSpec
	// Observables adds timeseries columns measured at places (see
	// ObservableSpec) to the built-in ones.
	Observables []ObservableSpec
	Run         RunSpec
	// Output asks for the optional per-molecule tables (events,
	// snapshots); see OutputSpec.
	Output OutputSpec
}

// GeometrySpec selects and sizes a geometry builder.
type GeometrySpec struct {
	Kind  string // "cleft", "box" or "mask"
	Cleft space.CleftSpec
	Box   space.BoxSpec
	// Mask is a voxel-mask geometry (space.Mask). MaskShape and MaskData
	// hold its labels as space.ReadNPY returns them; when MaskData is nil
	// NewModel reads them from Mask.Path.
	Mask      space.MaskSpec
	MaskShape [3]int
	MaskData  []uint16
}

// SpeciesSpec is a diffusing species.
type SpeciesSpec struct {
	Name string
	D    float64 // µm²/ms, default for every region
	// DRegion overrides D in named volume regions (e.g. a slower cleft).
	DRegion map[string]float64
}

// BathSpec is a species held at a fixed concentration everywhere (a drug
// or a clamped ligand). Sites bind it with pseudo-first-order rates.
type BathSpec struct {
	Name string
	Conc float64 // molecules/µm³
	// Schedule optionally makes the concentration piecewise constant in
	// time: from Schedule[i].T on it is Schedule[i].Conc (times strictly
	// ascending); Conc holds before the first entry. A 1 ms pulse of 1 mM
	// is Conc = ConcFromMolar(1e-3), Schedule = []BathStep{{T: 1, Conc: 0}}.
	Schedule []BathStep
}

// BathStep is one change of a bath concentration.
type BathStep struct {
	T    float64 // ms
	Conc float64 // molecules/µm³
}

// SiteTypeSpec is a kind of receptor, transporter or enzyme.
type SiteTypeSpec struct {
	Name   string
	Scheme agents.Scheme
	// Conductance is the single-channel conductance in pS of conducting
	// states (0: no current).
	Conductance float64
	// DrivingForce is V − E_rev in mV used for the current (negative for
	// an inward current).
	DrivingForce float64
	// Transporter declares the transporter class of the site type (DAT,
	// SERT or NET; see agents.Transporters), so that drugs of the built-in
	// table (agents.Drugs) act on it with their Ki. Empty for other sites.
	Transporter string
	// Outward is the outward-facing empty state of a transporter: drugs
	// bind it (default: the scheme's initial state). Inward is its
	// inward-facing empty state, where a transported substrate drug
	// (amphetamine) leaves it; substrate drugs need it.
	Outward, Inward string
}

// PlacementSpec puts sites of one type on the tiles of a membrane region,
// either an exact Count or a Density per µm² (rounded to a count), on
// distinct tiles chosen at random for each replicate.
//
// With VolumeDensity, or with Count and a volume region, it places volume
// sites instead: each in a voxel of the volume region drawn uniformly at
// random for each replicate (several may share a voxel). A free molecule
// in a voxel with free sites binds one of them with probability
// 1 − exp(−Σk_on/(α·V_voxel)·Δt) per step (docs/design.md §3.5).
type PlacementSpec struct {
	Site    string
	Region  string  // membrane (tile) region, e.g. "psd", "peri"; or a volume region for volume sites
	Count   int     // exact number, or 0 to use Density or VolumeDensity
	Density float64 // per µm²
	// VolumeDensity is the concentration of volume sites in the
	// extracellular medium of the region, in sites per µm³ of
	// extracellular volume (molecules/µm³, as ConcFromMolar gives): with
	// volume fraction α the region of volume V holds round(VolumeDensity·α·V)
	// sites.
	VolumeDensity float64
	State         string // initial state; default the scheme's initial state
}

// RegionSpec treats a volume region as a porous medium (extracellular
// space): diffusion coefficients there default to D/λ² (for species that do
// not give a D_region for it), concentrations are amount/(α·volume), and
// volume sites react with the concentration of molecules in the
// extracellular fraction.
type RegionSpec struct {
	Name       string
	Alpha      float64 // extracellular volume fraction α in (0, 1]; 0 means 1
	Tortuosity float64 // λ ≥ 1; 0 means 1
}

// DrugSpec is a drug at a clamped concentration acting on transporter site
// types. It becomes a bath species of the same name plus, on every
// targeted site type:
//
//   - for a blocker, a state "blocked_<drug>" with the transitions
//     outward --bath k_on·[I]--> blocked and blocked --(k_off = k_on·Ki)--> outward;
//     a blocked transporter neither binds nor moves substrate;
//   - for a substrate (amphetamine), states "<drug>_out" and "<drug>_in"
//     with outward --bath k_on·[A]--> <drug>_out (back with k_on·Ki),
//     <drug>_out --Translocation--> <drug>_in --ReleaseInside--> inward.
//
// Sites of a targeted type start (when their placement gives no state) in
// a state drawn from the stationary distribution of their scheme under the
// clamped baths without transmitter; for blockers this is the occupancy
// [I]/([I] + Ki) (several blockers: x_i/(1 + Σx), x = [I]/Ki).
type DrugSpec struct {
	Name string  // a drug of the table (agents.Drugs), or any name when Ki is given
	Conc float64 // molecules/µm³
	// Targets lists the site types the drug acts on, by site-type name or
	// transporter class (DAT, SERT, NET). Empty: every site type whose
	// Transporter has a Ki in the table.
	Targets []string
	KOn     float64 // µm³/ms; 0 means KOnFromMolar(agents.DefaultDrugKOn)
	// Ki overrides the table's value at every target (molecules/µm³);
	// required for a drug not in the table or a target without a table
	// value.
	Ki float64
	// Kind overrides the table's kind ("blocker" or "substrate"); a drug
	// not in the table defaults to a blocker.
	Kind string
	// Translocation and ReleaseInside (1/ms) override the table's rates of
	// a substrate drug.
	Translocation, ReleaseInside float64
}

// ReleaseSpec is a release protocol; see agents.Release. When AtCleft is
// set, the release point is the centre of the cleft just inside the
// presynaptic membrane and At is ignored.
//
// Sites, when not nil, replaces the single point At by many release sites
// (e.g. a lattice of terminals for volume transmission); each site releases
// independently with Probability at each of Times. Spontaneous adds
// Poisson release events at each site at that rate (1/ms) over the whole
// run; with Spontaneous > 0 and no Times there is no evoked release. Pore,
// when positive, is the duration (ms) of fusion-pore release: the
// molecules of an event leave the site at times drawn uniformly over
// [t, t + Pore) instead of all at t.
//
// Releases with Sites, Spontaneous or Pore draw their site positions,
// event times and molecule counts at Engine.Reset from streams keyed by
// (seed, replicate, release index), so they depend only on the seed and
// the replicate, and cost nothing per step while no event is due.
type ReleaseSpec struct {
	agents.Release
	AtCleft     bool
	Sites       *ReleaseSites
	Spontaneous float64 // 1/ms per site
	Pore        float64 // ms
}

// ReleaseSites places many release sites in the extracellular space of a
// volume region (Region, "" for every region) and, when Box is set, only
// in the part of it inside the box [Min, Max) (µm). Give one of:
//
//   - Lattice: the spacing (µm) of a cubic lattice of sites at Min +
//     spacing·(i + ½) along each axis (the box, or the grid's bounds),
//     keeping the points that lie in free voxels of the region; the same
//     for every replicate;
//   - Density: sites per µm³ of the region's volume (tissue, not only its
//     extracellular fraction), round(Density·V) of them placed uniformly
//     at random in its free voxels (voxels whose centre lies in the box),
//     drawn anew for each replicate.
type ReleaseSites struct {
	Lattice  float64 // µm
	Density  float64 // per µm³
	Region   string
	Box      bool
	Min, Max [3]float64 // µm, when Box
}

// ObservableSpec is a timeseries column measured at a place. Kind
// "concentration_at" is the mean free concentration (µM) of Species in
// the sphere of Radius (µm) around At: the number of free molecules in the
// sphere divided by its extracellular volume (the sphere's volume in free
// voxels, weighted by the volume fraction α of their region). Name is the
// column name (default conc_<species>_at_<x>_<y>_<z>).
//
// Kind "occupancy" is the mean occupancy of the sites of type Site in
// Region (a membrane region for surface sites, a volume region for volume
// sites; "" for all): a site's occupancy is the number of molecules of
// Species it holds over the most any state of its scheme holds (so a
// doubly bound AMPA receptor is 1, a singly bound one 0.5). Kind
// "above_threshold" is the number of those sites whose occupancy is at
// least Threshold (in (0, 1]).
type ObservableSpec struct {
	Kind      string
	Name      string
	Species   string
	At        [3]float64 // µm
	Radius    float64    // µm
	Site      string     // site type, for occupancy and above_threshold
	Region    string     // region, for occupancy and above_threshold
	Threshold float64    // occupancy in (0, 1], for above_threshold
}

// DegradationSpec is first-order destruction of free molecules of a
// species in a volume region ("" for everywhere), e.g. a volume enzyme or
// non-specific clearance.
type DegradationSpec struct {
	Species string
	Region  string
	Rate    float64 // 1/ms
}

// RunSpec holds the run settings.
type RunSpec struct {
	Dt             float64 // ms; 0 picks one automatically
	Duration       float64 // ms
	SampleInterval float64 // ms
	Replicates     int
	Seed           uint64
	// Shards splits the grid of each replicate into this many blocks
	// (slabs along the longest axis), each owning its voxels, molecules
	// and sites and stepped in parallel; molecules that cross a block
	// boundary are handed over between steps in a fixed order. Results
	// depend on Shards (it is part of the model) but never on the number
	// of workers. 0 or 1: one block.
	Shards int
	// LongSteps, when above 1, lets a molecule take one step of
	// LongSteps·Dt, at steps that are multiples of LongSteps, when it is
	// so far from every wall, tile, sink, region boundary and volume site
	// that the path of the long step reaches none of them with
	// probability below 1e-8 (the rule is stated in longsteps.go). The sample
	// interval must be a multiple of LongSteps·Dt.
	LongSteps int
}

// Avogadro's number.
const Avogadro = 6.02214076e23

// KOnFromMolar converts a bimolecular rate in M⁻¹ s⁻¹ to µm³/ms per
// molecule pair (× 1.6605e-12).
func KOnFromMolar(k float64) float64 { return k / Avogadro * 1e15 / 1e3 }

// ConcFromMolar converts a concentration in M to molecules/µm³.
func ConcFromMolar(c float64) float64 { return c * Avogadro * 1e-15 }

// ConcToMicroMolar converts molecules/µm³ to µM.
func ConcToMicroMolar(n float64) float64 { return n / Avogadro * 1e15 * 1e6 }
