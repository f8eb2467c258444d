package montecarlo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/space"
)

// TestModelBytesEstimate measures the heap of building models of several
// sizes (issue 13 B.6: the guard assumed 8 bytes per voxel while a box
// kept about 20): the estimate covers what stays allocated after a GC
// (live) and is no more than everything allocated on the way (total), so
// the peak the guard must foresee, between the two, is bounded by it
// within a factor total/live.
func TestModelBytesEstimate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds grids of up to 2 million voxels")
	}
	box := func(l float64) Spec {
		return Spec{
			Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{l, l, l}, Voxel: 0.01}},
			Species:  []SpeciesSpec{{Name: "x", D: 0.3}},
			Run:      RunSpec{Duration: 0.01, SampleInterval: 0.01},
		}
	}
	cleft := func(hw float64) Spec {
		return Spec{
			Geometry: GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15,
				PSDRadius: 0.1, MembraneRadius: hw - 0.05, HalfWidth: hw, HalfHeight: 0.1}},
			Species: []SpeciesSpec{{Name: "x", D: 0.3}},
			Run:     RunSpec{Duration: 0.01, SampleInterval: 0.01},
		}
	}
	for _, c := range []struct {
		name string
		spec Spec
	}{
		{"box 0.4 um", box(0.4)}, {"box 0.8 um", box(0.8)}, {"box 1.2 um", box(1.2)},
		{"cleft 0.6 um", cleft(0.6)}, {"cleft 1.2 um", cleft(1.2)},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m, err := NewModel(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		total := int64(0)
		runtime.ReadMemStats(&after)
		total = int64(after.TotalAlloc - before.TotalAlloc)
		runtime.GC()
		runtime.ReadMemStats(&after)
		live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		est := modelBytes(m.Grid.N)
		nv := float64(m.Grid.NumVoxels())
		t.Logf("%s: %d voxels: live %.1f, estimate %.1f, total %.1f bytes per voxel", c.name, m.Grid.NumVoxels(), float64(live)/nv, float64(est)/nv, float64(total)/nv)
		if est < live || est > total {
			t.Errorf("%s: estimate %d bytes outside [live %d, total allocated %d]", c.name, est, live, total)
		}
		runtime.KeepAlive(m)
	}
}

// TestGridMemoryRefused: a grid beyond the memory limit is refused before
// it is allocated, with the voxel size that fits.
func TestGridMemoryRefused(t *testing.T) {
	s := Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{40, 40, 40}, Voxel: 0.01}},
		Species:  []SpeciesSpec{{Name: "x", D: 0.3}},
		Run:      RunSpec{Duration: 0.01, SampleInterval: 0.01},
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := NewModel(s)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "geometry.voxel") || !strings.Contains(err.Error(), "use voxels of at least") {
		t.Fatalf("a 4002³ grid: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("%d bytes allocated before refusing", grew)
	}
	t.Log(err)
}

// TestMemoryLimitHonoursGOMEMLIMIT: a Go memory limit below the others
// is the limit the guard uses, and a grid that fits the engine's cap but
// not that limit is refused naming it.
func TestMemoryLimitHonoursGOMEMLIMIT(t *testing.T) {
	old := debug.SetMemoryLimit(64 << 20)
	defer debug.SetMemoryLimit(old)
	if l, what := memoryLimit(); l != 64<<20 || what != "GOMEMLIMIT" {
		t.Fatalf("memoryLimit = %d (%s), want 64 MiB from GOMEMLIMIT", l, what)
	}
	s := Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{2, 2, 2}, Voxel: 0.01}},
		Species:  []SpeciesSpec{{Name: "x", D: 0.3}},
		Run:      RunSpec{Duration: 0.01, SampleInterval: 0.01},
	}
	if _, err := NewModel(s); err == nil || !strings.Contains(err.Error(), "GiB of GOMEMLIMIT") {
		t.Fatalf("a 202³ grid under a 64 MiB limit: %v", err)
	}
}
