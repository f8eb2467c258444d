// Package protocols runs the standard characterisation protocols of
// transporter models (agents/transporters) on the engine, the way
// electrophysiologists and pharmacologists characterise transporters, and
// compares the models:
//
//   - uptake: steady-state uptake against clamped substrate concentration
//     → Km, Vmax and Hill slope with confidence intervals;
//   - jump: a substrate pulse and a step on a patch of transporters → the
//     transporter current (or uptake flux when the model moves no charge):
//     peak, decay τ, steady state;
//   - pairs: paired pulses → recovery time constant;
//   - inhibitor: a competitive blocker of the drug table → apparent Km;
//   - synapse: the model in a preset synapse (glutamate-ca1 for glutamate
//     transporters, dopamine-striatum for DAT, serotonin for SERT) → cleft
//     decay τ, fractions taken up, buffered and escaped at 1 and 5 ms, peak
//     receptor activation, spillover concentration at 0.5 and 1 µm.
//
// Protocols on a patch hold the substrate as a clamped bath species, so the
// engine runs only the transporters' exact site kinetics; every result has
// an exact counterpart computed from the scheme's master equation
// (transporters.Chain), which the checks compare against.
package protocols
