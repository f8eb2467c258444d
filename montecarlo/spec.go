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
	Run          RunSpec
}

// GeometrySpec selects and sizes a geometry builder.
type GeometrySpec struct {
	Kind  string // "cleft" or "box"
	Cleft space.CleftSpec
	Box   space.BoxSpec
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
}

// PlacementSpec puts sites of one type on the tiles of a membrane region,
// either an exact Count or a Density per µm² (rounded to a count), on
// distinct tiles chosen at random for each replicate.
type PlacementSpec struct {
	Site    string
	Region  string  // membrane (tile) region, e.g. "psd", "peri"
	Count   int     // exact number, or 0 to use Density
	Density float64 // per µm²
	State   string  // initial state; default the scheme's initial state
}

// ReleaseSpec is a release protocol; see agents.Release. When AtCleft is
// set, the release point is the centre of the cleft just inside the
// presynaptic membrane and At is ignored.
type ReleaseSpec struct {
	agents.Release
	AtCleft bool
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
