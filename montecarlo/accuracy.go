package montecarlo

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
)

// BiasTolerance is the relative bias the timestep policy allows for each
// known discretisation bias (docs/accuracy.md): dt: auto picks a Δt at
// which every one is below it, and a larger Δt given by the user runs with
// a warning naming the bias and the Δt that removes it.
const BiasTolerance = 0.002

// biasTerm is one known Δt bias of a model: what it is, its size at the
// model's Δt (relative), and how it scales with Δt (the exponent: the
// bias goes as Δt^order).
type biasTerm struct {
	what  string
	bias  float64
	order float64
}

// dtFor is the largest Δt (from dt, where the term is bias) at which the
// term is at most tol.
func (b biasTerm) dtFor(dt, tol float64) float64 {
	if b.bias <= tol {
		return dt
	}
	return dt * math.Pow(tol/b.bias, 1/b.order)
}

// biasTerms lists the known biases of the model at timestep dt (see
// docs/accuracy.md for their derivation and measurement):
//
//   - a membrane hit takes effect at the end of its step, so the bound
//     state starts on average Δt/2 late: k·Δt/2 for the fastest total rate
//     k out of a state entered by a hit;
//   - volume sites: second order, (k·Δt)²/2 for the fastest rate out of a
//     state (binding by the volume hazard included), measured below 0.05 %
//     at k·Δt = 0.04.
func (m *Model) biasTerms(dt float64) []biasTerm {
	bath := map[string]float64{}
	for _, b := range m.full.Baths {
		bath[b.Name] = b.Conc
	}
	var out []biasTerm
	worstHit, hitWhat := 0.0, ""
	worstVol, volWhat := 0.0, ""
	for _, st := range m.full.SiteTypes {
		surface := m.surfacePlaced(st.Name)
		// Total rate out of each state, and the states binding leads to.
		kout := map[string]float64{}
		bindTo := map[string]bool{}
		kon := map[[2]string]float64{}
		for _, t := range st.Scheme.Transitions {
			switch t.Kind {
			case agents.Bind:
				if m.speciesIndex(t.Species) >= 0 {
					kon[[2]string{t.From, t.Species}] += t.Rate
					bindTo[t.To] = true
				}
			case agents.Bath:
				kout[t.From] += t.Rate * bath[t.Species]
			default:
				kout[t.From] += t.Rate
			}
		}
		if surface {
			for s := range bindTo {
				if b := kout[s] * dt / 2; b > worstHit {
					worstHit, hitWhat = b, fmt.Sprintf("%s in state %s (%.3g /ms out)", st.Name, s, kout[s])
				}
			}
		} else {
			for s, k := range kout {
				if b := k * dt * k * dt / 2; b > worstVol {
					worstVol, volWhat = b, fmt.Sprintf("%s leaving state %s (%.3g /ms)", st.Name, s, k)
				}
			}
			for key, k := range kon {
				h := k * dt / m.Grid.VoxelVolume()
				if r := m.regionIndex(m.placementRegion(st.Name)); r >= 0 && r < len(m.pharm.alpha) {
					h /= m.pharm.alpha[r]
				}
				if b := h * h / 2; b > worstVol {
					worstVol, volWhat = b, fmt.Sprintf("%s binding %s (hazard %.3g per site per step)", st.Name, key[1], h)
				}
			}
		}
	}
	if worstHit > 0 {
		out = append(out, biasTerm{"the delay of a membrane hit to the end of its step, k·Δt/2 of the mean dwell of " + hitWhat, worstHit, 1})
	}
	if worstVol > 0 {
		out = append(out, biasTerm{"the within-step splitting at volume sites, (k·Δt)²/2 for " + volWhat, worstVol, 2})
	}
	return out
}

// placementRegion is the region of the first placement of site type name.
func (m *Model) placementRegion(name string) string {
	for _, pl := range m.full.Placements {
		if pl.Site == name {
			return pl.Region
		}
	}
	return ""
}

// accuracyDt is the largest Δt ≤ dt at which every known bias is at most
// BiasTolerance.
func (m *Model) accuracyDt(dt float64) float64 {
	best := dt
	for _, b := range m.biasTerms(dt) {
		best = math.Min(best, b.dtFor(dt, BiasTolerance))
	}
	return best
}

// accuracyWarnings names each known bias above BiasTolerance at the
// model's Δt, with the Δt that brings it under.
func (m *Model) accuracyWarnings() []string {
	var w []string
	for _, b := range m.biasTerms(m.Dt) {
		if b.bias > BiasTolerance {
			w = append(w, fmt.Sprintf("run.dt = %g ms: %s is about %.2g %% (tolerance %g %%); dt ≤ %.3g ms brings it under (dt: auto picks such a Δt); see docs/accuracy.md",
				m.Dt, b.what, 100*b.bias, 100*BiasTolerance, b.dtFor(m.Dt, BiasTolerance)))
		}
	}
	return w
}
