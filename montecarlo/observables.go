package montecarlo

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
)

// Observable is one timeseries or summary column: its name, unit and
// meaning, and what it is about (written into the results files' column
// metadata, see results.Column).
type Observable struct {
	Name, Unit, Description string
	// Role is what the column measures: one of the roles of
	// results.Column (count, occupancy, fate, fraction, concentration,
	// probe, current, charge, time, other).
	Role string
	// Label is a short name for axes and tables, without the unit.
	Label string
	// Species, Region, SiteType and State name what the column is about,
	// where that applies.
	Species, Region, SiteType, State string
	// Integer is set for columns that count molecules or sites (written
	// as INT64).
	Integer bool
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
	add := func(ob Observable, h obsCol) {
		o.cols = append(o.cols, ob)
		o.how = append(o.how, h)
	}
	count := func(name, desc string, role, label, sp, region, site, state string) Observable {
		unit := "molecules"
		if role == RoleOccupancy {
			unit = "sites"
		}
		return Observable{Name: name, Unit: unit, Description: desc, Role: role, Label: label,
			Species: sp, Region: region, SiteType: site, State: state, Integer: true}
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
		add(count("released"+sf, "molecules of "+name+" released so far", RoleFate, name+" released", name, "", "", ""), obsCol{kind: obsReleased, species: sp})
		add(count("free_total"+sf, "free "+name+" molecules in the medium", RoleCount, "free "+name, name, "", "", ""), obsCol{kind: obsFreeTotal, species: sp})
		for r, rn := range m.Grid.RegionNames() {
			if vol[r] == 0 {
				continue
			}
			add(count("free_"+rn+sf, fmt.Sprintf("free %s molecules in region %s", name, rn), RoleCount, "free "+name+" in "+rn, name, rn, "", ""), obsCol{kind: obsFreeRegion, species: sp, region: r})
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
				add(count("bound_"+st.Name+suffix(sp), fmt.Sprintf("%s molecules bound to %s sites", name, st.Name), RoleCount, name+" bound to "+st.Name, name, "", st.Name, ""), obsCol{kind: obsBound, species: sp, site: ty})
			}
		}
		for s, sn := range c.States {
			add(count(st.Name+"_"+sn, fmt.Sprintf("%s sites in state %s", st.Name, sn), RoleOccupancy, st.Name+" in state "+sn, "", "", st.Name, sn), obsCol{kind: obsState, site: ty, state: s})
		}
		conducting := false
		for _, b := range c.Conducting {
			conducting = conducting || b
		}
		if conducting {
			add(count("open_"+st.Name, st.Name+" sites in a conducting state", RoleOccupancy, "open "+st.Name, "", "", st.Name, "open"), obsCol{kind: obsOpen, site: ty})
		}
	}
	for sp, name := range m.species {
		sf := suffix(sp)
		add(count("transported"+sf, name+" molecules taken up by transporters so far", RoleFate, name+" transported", name, "", "", ""), obsCol{kind: obsTransported, species: sp})
		add(count("degraded"+sf, name+" molecules destroyed by enzymes or clearance so far", RoleFate, name+" degraded", name, "", "", ""), obsCol{kind: obsDegraded, species: sp})
		add(count("escaped"+sf, name+" molecules absorbed at the outer boundary so far", RoleFate, name+" escaped", name, "", "", ""), obsCol{kind: obsEscaped, species: sp})
		if anyEmit {
			add(count("emitted"+sf, name+" molecules released by reverse transport so far", RoleFate, name+" emitted", name, "", "", ""), obsCol{kind: obsEmitted, species: sp})
		}
		for r, rn := range m.Grid.RegionNames() {
			if vol[r] == 0 {
				continue
			}
			// In a porous region the concentration is that of the
			// extracellular fraction: amount/(α·volume).
			add(Observable{Name: "conc_" + rn + sf + "_uM", Unit: "uM", Description: fmt.Sprintf("mean free %s concentration in region %s", name, rn),
				Role: RoleConcentration, Label: name + " in " + rn, Species: name, Region: rn},
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
			add(Observable{Name: p.name, Unit: "uM", Description: fmt.Sprintf("mean free %s concentration in the sphere of radius %g µm at (%g, %g, %g) µm (per extracellular volume)",
				m.species[p.species], math.Sqrt(p.r2), p.at[0], p.at[1], p.at[2]), Role: RoleProbe, Label: m.species[p.species] + " at probe " + p.name,
				Species: m.species[p.species], Region: m.Spec.Observables[k].Region}, obsCol{kind: obsProbe, site: i, scale: p.scale})
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
				add(Observable{Name: oc.name, Unit: "sites", Description: fmt.Sprintf("%s sites%s whose occupancy by %s is at least %g of the most a site holds", spec.Site, where, oc.species, spec.Threshold),
					Role: RoleOccupancy, Label: fmt.Sprintf("%s sites%s at least %g occupied", spec.Site, where, spec.Threshold), Species: oc.species, Region: spec.Region, SiteType: spec.Site, Integer: true},
					obsCol{kind: obsOccupancy, site: i})
			} else {
				add(Observable{Name: oc.name, Unit: "1", Description: fmt.Sprintf("mean occupancy of the %s sites%s by %s: molecules held over the most a site holds", spec.Site, where, oc.species),
					Role: RoleFraction, Label: fmt.Sprintf("occupancy of %s%s by %s", spec.Site, where, oc.species), Species: oc.species, Region: spec.Region, SiteType: spec.Site},
					obsCol{kind: obsOccupancy, site: i})
			}
		}
	}
	anyCurrent := false
	for _, st := range m.siteTypes {
		anyCurrent = anyCurrent || st.Conductance > 0
	}
	if anyCurrent {
		add(Observable{Name: "current_pA", Unit: "pA", Description: "synaptic current through open channels, N_open·γ·(V − E_rev); inward negative",
			Role: RoleCurrent, Label: "synaptic current"}, obsCol{kind: obsCurrent})
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
		add(Observable{Name: "transporter_current_pA", Unit: "pA", Description: "current carried by site transitions with a charge (e.g. transporter cycles), averaged over the sample interval ending at t; charge into the cell is an inward, negative current",
			Role: RoleCurrent, Label: "transporter current"}, obsCol{kind: obsTransporterCurrent})
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
