package protocols

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// patch describes a well-mixed patch of n transporters of one model under
// a clamped substrate time course: the engine's exact site kinetics with
// the substrate as a bath species (no diffusion), so every transporter
// sees the concentration the protocol sets.
type patch struct {
	model transporters.Model
	n     int
	// conc is the substrate concentration (molecules/µm³) from t = 0, and
	// sched its later changes.
	conc  float64
	sched []montecarlo.BathStep
	// count says what the transporter-current column counts: the model's
	// charges, or (charge 1 there, 0 elsewhere) each transport or each
	// binding of the substrate.
	count countMode
	// p0 is the distribution the sites start from (split into whole
	// counts per state, largest remainders first); nil: the scheme's
	// initial state.
	p0 []float64
	// drug is a competitive blocker at a clamped concentration, or nil.
	drug *montecarlo.DrugSpec
	// dt and sample in ms; duration in ms.
	dt, sample, duration float64
}

// scheme is the model's scheme as the patch runs it.
func (p patch) scheme() agents.Scheme {
	s := p.model.WithSubstrate(p.model.Substrate)
	if p.count != countCharge {
		for i := range s.Transitions {
			t := &s.Transitions[i]
			t.Charge = 0
			if t.Species == p.model.Substrate && (p.count == countTransport && t.Kind == agents.Transport ||
				p.count == countBinding && (t.Kind == agents.Bind || t.Kind == agents.Bath)) {
				t.Charge = 1
			}
		}
	}
	return s
}

// countMode is what a patch's current column measures.
type countMode uint8

const (
	countCharge    countMode = iota // the model's charges
	countTransport                  // one per substrate transported
	countBinding                    // one per substrate bound
)

// counts splits n into whole counts proportional to p (largest remainder).
func counts(p []float64, n int) []int {
	c := make([]int, len(p))
	type rem struct {
		i int
		r float64
	}
	var rs []rem
	tot := 0
	for i, x := range p {
		f := x * float64(n)
		c[i] = int(math.Floor(f))
		tot += c[i]
		rs = append(rs, rem{i, f - math.Floor(f)})
	}
	for k := 0; tot < n; k++ {
		best := -1
		for j, r := range rs {
			if best < 0 || r.r > rs[best].r {
				best = j
			}
		}
		c[rs[best].i]++
		rs[best].r = -1
		tot++
	}
	return c
}

// spec builds the engine model of the patch: a reflecting 1 µm box of
// 0.5 µm voxels holding the transporters as volume sites, an inert
// diffusing species (the engine needs one; nothing releases it) and the
// substrate as a clamped bath.
func (p patch) spec() montecarlo.Spec {
	sc := p.scheme()
	s := montecarlo.Spec{
		Name:     "patch-" + p.model.Name,
		Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{1, 1, 1}, Voxel: 0.5}},
		Species:  []montecarlo.SpeciesSpec{{Name: "inert", D: 1e-9}},
		Baths:    []montecarlo.BathSpec{{Name: p.model.Substrate, Conc: p.conc, Schedule: p.sched}},
		SiteTypes: []montecarlo.SiteTypeSpec{{Name: "t", Scheme: sc, Transporter: p.model.Class,
			Outward: p.model.Outward, Inward: p.model.Inward}},
		Run: montecarlo.RunSpec{Dt: p.dt, Duration: p.duration, SampleInterval: p.sample, Replicates: 1},
	}
	if p.p0 == nil {
		s.Placements = []montecarlo.PlacementSpec{{Site: "t", Region: "box", Count: p.n}}
	} else {
		for i, c := range counts(p.p0, p.n) {
			if c > 0 {
				s.Placements = append(s.Placements, montecarlo.PlacementSpec{Site: "t", Region: "box", Count: c, State: sc.States[i]})
			}
		}
	}
	if p.drug != nil {
		s.Drugs = []montecarlo.DrugSpec{*p.drug}
	}
	return s
}

// build compiles the patch.
func (p patch) build() (*montecarlo.Model, error) {
	m, err := montecarlo.NewModel(p.spec())
	if err != nil {
		return nil, fmt.Errorf("%s patch: %w", p.model.Name, err)
	}
	return m, nil
}
