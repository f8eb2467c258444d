package montecarlo

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
)

// Observable is one timeseries column: its name, unit and meaning.
type Observable struct {
	Name, Unit, Description string
}

type obsKind uint8

const (
	obsReleased obsKind = iota
	obsFreeTotal
	obsFreeRegion
	obsBound
	obsState
	obsOpen
	obsTransported
	obsDegraded
	obsEscaped
	obsEmitted
	obsConc
	obsCurrent
	obsTransporterCurrent
	obsProbe
	obsOccupancy // occupancy and above_threshold (occupancy.go)
)

type obsCol struct {
	kind    obsKind
	species int
	region  int
	site    int
	state   int
	scale   float64
}

type observables struct {
	cols []Observable
	how  []obsCol
	occ  []occupancy // occupancy and above_threshold observables (occupancy.go)
}

// Columns lists the timeseries observables of the model, in order.
func (m *Model) Columns() []Observable { return m.obs.cols }

// Column returns the index of the named column, or -1.
func (m *Model) Column(name string) int {
	for i, c := range m.obs.cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (m *Model) buildObservables() {
	o := &m.obs
	add := func(name, unit, desc string, h obsCol) {
		o.cols = append(o.cols, Observable{Name: name, Unit: unit, Description: desc})
		o.how = append(o.how, h)
	}
	multi := len(m.species) > 1
	suffix := func(sp int) string {
		if multi {
			return "_" + m.species[sp]
		}
		return ""
	}
	vol := m.Grid.RegionVolume()
	anyEmit := false
	for _, c := range m.schemes {
		for _, outs := range c.Out {
			for _, u := range outs {
				if u.Kind == agents.Emit && u.Species >= 0 {
					anyEmit = true
				}
			}
		}
	}
	for sp, name := range m.species {
		sf := suffix(sp)
		add("released"+sf, "molecules", "molecules of "+name+" released so far", obsCol{kind: obsReleased, species: sp})
		add("free_total"+sf, "molecules", "free "+name+" molecules in the medium", obsCol{kind: obsFreeTotal, species: sp})
		for r, rn := range m.Grid.RegionNames() {
			if vol[r] == 0 {
				continue
			}
			add("free_"+rn+sf, "molecules", fmt.Sprintf("free %s molecules in region %s", name, rn), obsCol{kind: obsFreeRegion, species: sp, region: r})
		}
	}
	for ty, st := range m.siteTypes {
		c := m.schemes[ty]
		for sp, name := range m.species {
			holds := false
			for s := range c.States {
				if c.Held[s][sp] > 0 {
					holds = true
				}
			}
			if holds {
				add("bound_"+st.Name+suffix(sp), "molecules", fmt.Sprintf("%s molecules bound to %s sites", name, st.Name), obsCol{kind: obsBound, species: sp, site: ty})
			}
		}
		for s, sn := range c.States {
			add(st.Name+"_"+sn, "sites", fmt.Sprintf("%s sites in state %s", st.Name, sn), obsCol{kind: obsState, site: ty, state: s})
		}
		conducting := false
		for _, b := range c.Conducting {
			conducting = conducting || b
		}
		if conducting {
			add("open_"+st.Name, "sites", st.Name+" sites in a conducting state", obsCol{kind: obsOpen, site: ty})
		}
	}
	for sp, name := range m.species {
		sf := suffix(sp)
		add("transported"+sf, "molecules", name+" molecules taken up by transporters so far", obsCol{kind: obsTransported, species: sp})
		add("degraded"+sf, "molecules", name+" molecules destroyed by enzymes or clearance so far", obsCol{kind: obsDegraded, species: sp})
		add("escaped"+sf, "molecules", name+" molecules absorbed at the outer boundary so far", obsCol{kind: obsEscaped, species: sp})
		if anyEmit {
			add("emitted"+sf, "molecules", name+" molecules released by reverse transport so far", obsCol{kind: obsEmitted, species: sp})
		}
		for r, rn := range m.Grid.RegionNames() {
			if vol[r] == 0 {
				continue
			}
			// In a porous region the concentration is that of the
			// extracellular fraction: amount/(α·volume).
			add("conc_"+rn+sf+"_uM", "µM", fmt.Sprintf("mean free %s concentration in region %s", name, rn),
				obsCol{kind: obsConc, species: sp, region: r, scale: ConcToMicroMolar(1 / (m.pharm.alpha[r] * vol[r]))})
		}
	}
	// Observables by place and region, in the order of Spec.Observables.
	probeOf, occOf := map[int]int{}, map[int]int{}
	for i, p := range m.probes.list {
		probeOf[p.spec] = i
	}
	for i, oc := range o.occ {
		occOf[oc.spec] = i
	}
	for k := range m.Spec.Observables {
		if i, ok := probeOf[k]; ok {
			p := m.probes.list[i]
			add(p.name, "µM", fmt.Sprintf("mean free %s concentration in the sphere of radius %g µm at (%g, %g, %g) µm (per extracellular volume)",
				m.species[p.species], math.Sqrt(p.r2), p.at[0], p.at[1], p.at[2]), obsCol{kind: obsProbe, site: i, scale: p.scale})
		}
		if i, ok := occOf[k]; ok {
			oc := &o.occ[i]
			oc.col = len(o.cols)
			spec := m.Spec.Observables[k]
			where := ""
			if spec.Region != "" {
				where = " in region " + spec.Region
			}
			if oc.above {
				add(oc.name, "sites", fmt.Sprintf("%s sites%s whose occupancy by %s is at least %g of the most a site holds", spec.Site, where, oc.species, spec.Threshold),
					obsCol{kind: obsOccupancy, site: i})
			} else {
				add(oc.name, "1", fmt.Sprintf("mean occupancy of the %s sites%s by %s: molecules held over the most a site holds", spec.Site, where, oc.species),
					obsCol{kind: obsOccupancy, site: i})
			}
		}
	}
	anyCurrent := false
	for _, st := range m.siteTypes {
		anyCurrent = anyCurrent || st.Conductance > 0
	}
	if anyCurrent {
		add("current_pA", "pA", "synaptic current through open channels, N_open·γ·(V − E_rev); inward negative", obsCol{kind: obsCurrent})
	}
	anyCharge := false
	for _, c := range m.schemes {
		for _, outs := range c.Out {
			for _, u := range outs {
				anyCharge = anyCharge || u.Charge != 0
			}
		}
	}
	if anyCharge {
		add("transporter_current_pA", "pA", "current carried by site transitions with a charge (e.g. transporter cycles), averaged over the sample interval ending at t; charge into the cell is an inward, negative current",
			obsCol{kind: obsTransporterCurrent})
	}
}

// elementaryChargePAms is the elementary charge in pA·ms (= fC).
const elementaryChargePAms = 1.602176634e-4

func (o *observables) fill(e *Engine, out []float64) {
	m := e.m
	nr := m.nRegions
	if len(m.probes.list) > 0 {
		e.countProbes()
	}
	if len(o.occ) > 0 {
		e.fillOccupancy(out)
	}
	for i, h := range o.how {
		var v float64
		switch h.kind {
		case obsReleased:
			v = float64(e.released[h.species])
		case obsFreeTotal:
			var n int64
			for r := 0; r < nr; r++ {
				n += e.free[h.species*nr+r]
			}
			v = float64(n)
		case obsFreeRegion:
			v = float64(e.free[h.species*nr+h.region])
		case obsBound:
			var n int64
			for s, c := range e.stateCount[h.site] {
				n += c * int64(m.schemes[h.site].Held[s][h.species])
			}
			v = float64(n)
		case obsState:
			v = float64(e.stateCount[h.site][h.state])
		case obsOpen:
			v = float64(e.open(h.site))
		case obsTransported:
			v = float64(e.transported[h.species])
		case obsDegraded:
			v = float64(e.degraded[h.species])
		case obsEscaped:
			v = float64(e.escaped[h.species])
		case obsEmitted:
			v = float64(e.emitted[h.species])
		case obsConc:
			v = float64(e.free[h.species*nr+h.region]) * h.scale
		case obsProbe:
			v = float64(e.probeN[h.site]) * h.scale
		case obsOccupancy:
			v = out[i] // filled by fillOccupancy
		case obsTransporterCurrent:
			if dt := e.t - e.tLast; dt > 0 {
				v = -(e.charge - e.qLast) * elementaryChargePAms / dt
			}
		case obsCurrent:
			for ty, st := range m.siteTypes {
				if st.Conductance > 0 {
					// pS × mV = 1e-15 A = 1e-3 pA.
					v += float64(e.open(ty)) * st.Conductance * st.DrivingForce * 1e-3
				}
			}
		}
		if math.IsNaN(v) {
			v = 0
		}
		out[i] = v
	}
}

func (e *Engine) open(ty int) int64 {
	var n int64
	for s, c := range e.stateCount[ty] {
		if e.m.schemes[ty].Conducting[s] {
			n += c
		}
	}
	return n
}
