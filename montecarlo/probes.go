package montecarlo

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/space"
)

// Observables by place (ObservableSpec): spherical concentration probes.
// The molecules in each probe are counted at sample times only: one pass
// over the free molecules, testing a bitmap of the voxels that touch some
// probe and, for those, the exact distance to the probes there.

type probe struct {
	name    string
	spec    int // index in Spec.Observables
	species int
	at      [3]float64
	r2      float64
	scale   float64 // µM per molecule
}

type probeIndex struct {
	list  []probe
	bits  []uint64          // voxels touching a probe
	where map[int32][]int32 // voxel → probes touching it
}

// probeQuad is the number of quadrature points per axis used to measure
// the extracellular volume of a probe.
const probeQuad = 32

// compileProbes compiles the observables of Spec.Observables: the
// concentration probes here, occupancy and above_threshold in
// compileOccupancy (occupancy.go).
func (m *Model) compileProbes() error {
	g := m.Grid
	seen := map[string]bool{}
	for i, o := range m.Spec.Observables {
		p := fmt.Sprintf("observables[%d]", i)
		switch o.Kind {
		case kindConcentrationAt:
		case kindOccupancy, kindAboveThreshold:
			if err := m.compileOccupancy(i, p, o); err != nil {
				return err
			}
			name := m.obs.occ[len(m.obs.occ)-1].name
			if seen[name] {
				return fieldErr(p+".name", "column %q is already defined", name)
			}
			seen[name] = true
			continue
		default:
			return fieldErr(p+".kind", "unknown observable kind %q (want %s, %s or %s)", o.Kind, kindConcentrationAt, kindOccupancy, kindAboveThreshold)
		}
		for _, f := range []struct {
			name string
			set  bool
		}{{"site", o.Site != ""}, {"region", o.Region != ""}, {"threshold", o.Threshold != 0}} {
			if f.set {
				return fieldErr(p+"."+f.name, "%s applies to kinds %s and %s, not %s", f.name, kindOccupancy, kindAboveThreshold, o.Kind)
			}
		}
		sp := m.speciesIndex(o.Species) // checked by checkRefs
		if err := positive(p+".radius", o.Radius, "µm"); err != nil {
			return err
		}
		if _, ok := g.Locate(o.At); !ok {
			return fieldErr(p+".at", "probe centre (%g, %g, %g) µm is outside the geometry", o.At[0], o.At[1], o.At[2])
		}
		name := o.Name
		if name == "" {
			name = fmt.Sprintf("conc_%s_at_%g_%g_%g_uM", o.Species, o.At[0], o.At[1], o.At[2])
		}
		if seen[name] {
			return fieldErr(p+".name", "column %q is already defined", name)
		}
		seen[name] = true
		// Extracellular volume: midpoint quadrature over the bounding cube.
		var in, w float64
		h := 2 * o.Radius / probeQuad
		for k := 0; k < probeQuad; k++ {
			for j := 0; j < probeQuad; j++ {
				for i := 0; i < probeQuad; i++ {
					d := [3]float64{-o.Radius + (float64(i)+0.5)*h, -o.Radius + (float64(j)+0.5)*h, -o.Radius + (float64(k)+0.5)*h}
					if d[0]*d[0]+d[1]*d[1]+d[2]*d[2] > o.Radius*o.Radius {
						continue
					}
					in++
					x := [3]float64{o.At[0] + d[0], o.At[1] + d[1], o.At[2] + d[2]}
					if v, ok := g.Locate(x); ok && g.Kind(v) == space.Free {
						w += m.pharm.alpha[g.Region(v)]
					}
				}
			}
		}
		ecs := w / in * 4 * math.Pi / 3 * o.Radius * o.Radius * o.Radius
		if ecs <= 0 {
			return fieldErr(p+".at", "the probe of radius %g µm at (%g, %g, %g) µm holds no extracellular space", o.Radius, o.At[0], o.At[1], o.At[2])
		}
		m.probes.list = append(m.probes.list, probe{name: name, spec: i, species: sp, at: o.At, r2: o.Radius * o.Radius, scale: ConcToMicroMolar(1 / ecs)})
	}
	if len(m.probes.list) == 0 {
		return nil
	}
	m.probes.bits = make([]uint64, (g.NumVoxels()+63)/64)
	m.probes.where = map[int32][]int32{}
	for pi, pr := range m.probes.list {
		r := math.Sqrt(pr.r2)
		var lo, hi [3]int
		for a := 0; a < 3; a++ {
			lo[a] = max(0, int(math.Floor((pr.at[a]-r-g.Origin[a])/g.H)))
			hi[a] = min(g.N[a]-1, int(math.Floor((pr.at[a]+r-g.Origin[a])/g.H)))
		}
		for k := lo[2]; k <= hi[2]; k++ {
			for j := lo[1]; j <= hi[1]; j++ {
				for i := lo[0]; i <= hi[0]; i++ {
					v := g.Index(i, j, k)
					m.probes.bits[v/64] |= 1 << (v % 64)
					m.probes.where[int32(v)] = append(m.probes.where[int32(v)], int32(pi))
				}
			}
		}
	}
	return nil
}

// countProbes fills e.probeN with the molecules in each probe now.
func (e *Engine) countProbes() {
	pi := &e.m.probes
	if len(e.probeN) != len(pi.list) {
		e.probeN = make([]int64, len(pi.list))
	}
	clear(e.probeN)
	mol := &e.mol
	for i, v := range mol.Voxel {
		if pi.bits[v/64]&(1<<(v%64)) == 0 {
			continue
		}
		for _, q := range pi.where[v] {
			pr := &pi.list[q]
			if int(mol.Species[i]) != pr.species {
				continue
			}
			dx, dy, dz := mol.X[i]-pr.at[0], mol.Y[i]-pr.at[1], mol.Z[i]-pr.at[2]
			if dx*dx+dy*dy+dz*dz <= pr.r2 {
				e.probeN[q]++
			}
		}
	}
}

// checkColumnNames refuses an observable of Spec.Observables whose name
// repeats a built-in column.
func (m *Model) checkColumnNames() error {
	seen := map[string]bool{}
	for _, c := range m.obs.cols {
		if seen[c.Name] {
			for _, p := range m.probes.list {
				if p.name == c.Name {
					return fieldErr(fmt.Sprintf("observables[%d].name", p.spec), "column %q is already defined", c.Name)
				}
			}
			for _, o := range m.obs.occ {
				if o.name == c.Name {
					return fieldErr(fmt.Sprintf("observables[%d].name", o.spec), "column %q is already defined", c.Name)
				}
			}
		}
		seen[c.Name] = true
	}
	return nil
}
