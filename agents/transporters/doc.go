// Package transporters is a library of named kinetic models of
// neurotransmitter transporters (GLT-1/EAAT2, EAAC1/EAAT3, DAT, SERT, NET),
// each an agents.Scheme with its rates, charge movements and the source of
// every number, and the exact quantities that follow from a scheme: the
// stationary distribution of the transporter's Markov chain under a clamped
// substrate concentration, and from it Km, kcat, charge per cycle, the
// fraction of bound substrate that unbinds instead of being transported,
// the binding capacity at the start of a pulse and the mean cycle time.
//
// Provenance tags follow the project's parameter tables: [A] read in a
// primary paper's abstract, [C] read in a public model file, [S]
// secondhand, [D] derived from tagged inputs (the formula is given), [U]
// a conventional or modelling choice not verified against a primary
// source (the reason is given).
//
// Units are the engine's: first-order rates in 1/ms, bimolecular rates in
// µm³/ms per molecule pair, concentrations in molecules/µm³; the helpers
// KOn and Conc convert from molar units.
package transporters
