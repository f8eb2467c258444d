package validate

import (
	"context"
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// Spatial shards (RunSpec.Shards = k > 1, montecarlo/shard.go): the grid
// is cut into k slabs of whole voxel slices along its longest axis (the
// block of slice c is ⌊c·k/N⌋), molecules that end a step in another
// block are handed over between steps, and a binding hit on a tile of
// another block becomes a claim on the owner. None of this may change the
// physics, so the checks below put the boundaries where they matter and
// compare with the same analytic answers as the unsharded checks; the
// last one checks that a sharded replicate does not depend on how many
// goroutines step its shards.

// blockBoundary returns the longest axis of m's grid (as compileShards
// picks it: z, then y, then x on ties), the first voxel slice c of block b
// (the smallest c with ⌊c·k/N⌋ = b; the grid's slices include its wall
// layers) and the position of that slice's low face along the axis, µm.
func blockBoundary(m *montecarlo.Model, b int) (axis, slice int, plane float64) {
	g := m.Grid
	axis = 2
	for a := 1; a >= 0; a-- {
		if g.N[a] > g.N[axis] {
			axis = a
		}
	}
	k := m.Shards()
	slice = (b*g.N[axis] + k - 1) / k
	return axis, slice, g.Origin[axis] + float64(slice)*g.H
}

// checkShardDiffusion is §A7 T1 across block boundaries: n molecules
// released exactly on the plane between blocks 3 and 4 of an 8-shard
// cube (8 µm, blocks 1 µm thick along z) diffuse for t with 2Dt = 1 µm²,
// so the rms displacement along z is one block and a third of the
// molecules end two or more blocks from where they started. The walls are
// 4 rms displacements away on every axis (their effect on ⟨r²⟩ is
// 2·10⁻⁴ relative, 1/30 of the SE). ⟨r²⟩ = 6Dt; each side of the plane
// holds a binomial half; |Δz| > √(2Dt) (beyond the neighbouring block
// boundary) has probability 2(1 − Φ(1)).
func checkShardDiffusion(seed uint64) []Result {
	const (
		side, voxel = 8.0, 0.2
		d, t, dt    = 0.5, 1.0, 0.01
		n           = 20000
		shards      = 8
	)
	spec := boxSpec([3]float64{side, side, side}, voxel, dt, t, montecarlo.SpeciesSpec{Name: "x", D: d})
	spec.Run.Shards = shards
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("sharded free diffusion", err)
	}
	axis, _, plane := blockBoundary(m, shards/2)
	if m.Shards() != shards || axis != 2 || math.Abs(plane-side/2) > 1e-9 {
		return modelError("sharded free diffusion", fmt.Errorf("%d shards along axis %d with block %d from %g µm; want %d along z from %g µm",
			m.Shards(), axis, shards/2, plane, shards, side/2))
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, 0)
	src := [3]float64{side/2 + 0.0123, side/2 - 0.0234, side / 2} // on the block boundary
	for i := 0; i < n; i++ {
		if !e.AddMolecule(src, 0) {
			return modelError("sharded free diffusion", fmt.Errorf("release point %v is not in the medium", src))
		}
	}
	runTo(e, m, t)
	mol := e.Molecules()
	if mol.Len() != n {
		return modelError("sharded free diffusion", fmt.Errorf("%d molecules, want %d", mol.Len(), n))
	}
	sd := math.Sqrt(2 * d * t)
	var r2 float64
	var above, far int64
	for i := 0; i < n; i++ {
		dx, dy, dz := mol.X[i]-src[0], mol.Y[i]-src[1], mol.Z[i]-src[2]
		r2 += dx*dx + dy*dy + dz*dz
		if dz > 0 {
			above++
		}
		if math.Abs(dz) > sd {
			far++
		}
	}
	r2 /= n
	want := 6 * d * t
	label := fmt.Sprintf("%d shards, release on a block boundary, t = %g ms", shards, t)
	return []Result{
		compare("<r²> µm², "+label, want, r2, want*math.Sqrt(2.0/3.0)/math.Sqrt(n), "§A7 T1: 6Dt; SE = 6Dt·√(2/3)/√N"),
		binomial("fraction beyond the boundary plane (z > 4 µm), "+label, 0.5, above, n, "symmetry: 1/2; binomial SE"),
		binomial("fraction with |Δz| > √(2Dt) (≥ 1 block away), "+label, 2*(1-normCDF(1)), far, n, "§A7 T1: 2(1 − Φ(1)); binomial SE"),
	}
}

// robinBound is the expected bound fraction of irreversible sites covering
// a plane, one per tile of area a, under a uniform ligand c (molecules/µm³)
// of diffusion coefficient d with k_on (µm³/ms) over a window T: the
// depletion-corrected count per site m = c·a·(D/κ)[e^{x²}erfc(x) − 1 +
// 2x/√π], κ = k_on/a, x = κ√(T/D) (Robin plane), and 1 − e^{−m} for the
// use of sites (as in checkSurfaceFlux).
func robinBound(c, a, d, kon, window float64) (p, naive, x float64) {
	kappa := kon / a
	x = kappa * math.Sqrt(window/d)
	robin := c * a * d / kappa * (math.Exp(x*x)*math.Erfc(x) - 1 + 2*x/math.Sqrt(math.Pi))
	return 1 - math.Exp(-robin), kon * c * window, x
}

// checkShardBinding is the surface binding flux of checkSurfaceFlux with
// the membrane cut by block boundaries: a 0.5 × 1 × 0.05 µm box (voxel
// 10 nm) in 102 shards, one voxel slice each along y (the grid's slices
// include a wall layer at either end), so that every face
// of a voxel slice is a block boundary. Each tile of the floor (zmin)
// holds an irreversible site; a uniform explicit ligand binds for 0.1 µs.
// With slabs 10 nm thick and steps of 2.6 nm rms, a large share of the
// molecules that reach the floor cross a boundary in the step that hits
// it, so their binding goes through a claim on another shard's site, and
// molecules are handed over constantly. The bound fraction must still be
// the Robin-plane value of checkSurfaceFlux.
func checkShardBinding(seed uint64) []Result {
	const (
		lx, ly, lz = 0.5, 1.0, 0.05
		reps       = 40
		dt         = 1e-5
		shards     = 102 // 100 slices of medium and the 2 wall layers along y
	)
	x, err := runSurfaceFlux(seed, [3]float64{lx, ly, lz}, dt, shards, reps)
	if err != nil {
		return modelError("sharded surface binding", err)
	}
	m := x.m
	if axis, c, _ := blockBoundary(m, 1); m.Shards() != shards || axis != 1 || c != 1 || m.Grid.N[1] != shards {
		return modelError("sharded surface binding", fmt.Errorf("%d shards along axis %d, block 1 from slice %d; want %d along y, one slice each",
			m.Shards(), axis, c, shards))
	}
	p, naive, xr := robinBound(x.c, fluxVoxel*fluxVoxel, fluxD, montecarlo.KOnFromMolar(fluxKOnMolar), fluxWindow)
	return []Result{binomial(fmt.Sprintf("sites bound in 0.1 µs / N_sites, %d shards of one voxel slice, dt = %g ns", shards, dt*1e6),
		p, x.bound, int64(x.tiles*reps),
		fmt.Sprintf("as surface binding flux: k_on[L]T = %.5g per site, ×%.4f depletion (Robin plane, x = %.3g), site use 1−e^{−m}; floor cut by %d block boundaries; binomial SE",
			naive, -math.Log(1-p)/naive, xr, shards-3)),
	}
}

// shardDeterminismSpec is a sharded model with everything that crosses
// blocks: a point release on a block boundary, reversible explicit
// binding on sites covering the floor, which 8 boundaries cut, and
// observables of every kind.
func shardDeterminismSpec() montecarlo.Spec {
	scheme := agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: "L", Rate: montecarlo.KOnFromMolar(1e8)},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "L", Rate: 5},
	}}
	spec := boxSpec([3]float64{0.4, 0.8, 0.1}, 0.01, 1e-4, 0.1, montecarlo.SpeciesSpec{Name: "L", D: 0.33})
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "r", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "r", Region: "zmin", Count: 2000}}
	spec.Releases = []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "L", At: [3]float64{0.2, 0.4, 0.05}, N: 3000}}}
	spec.Observables = []montecarlo.ObservableSpec{
		{Kind: "concentration_at", Species: "L", At: [3]float64{0.2, 0.4, 0.05}, Radius: 0.05},
		{Kind: "occupancy", Site: "r"},
		{Kind: "above_threshold", Site: "r", Threshold: 1},
	}
	spec.Run.SampleInterval = 0.01
	spec.Run.Shards = 8
	return spec
}

// checkShardDeterminism runs one replicate of shardDeterminismSpec with
// montecarlo.Runner workers 1, 2 and 8 (a single replicate, so the spare
// workers step its shards) and counts the output values (every sample of
// every column and the summary) whose bits differ from the run with one
// worker; a length mismatch counts every missing value.
func checkShardDeterminism(seed uint64) []Result {
	m, err := montecarlo.NewModel(shardDeterminismSpec())
	if err != nil {
		return modelError("shard determinism", err)
	}
	run := func(workers int) ([]float64, error) {
		var out []float64
		err := montecarlo.Runner{Workers: workers}.Run(context.Background(), m, seed, []int{0}, func(r montecarlo.Replicate) error {
			for _, row := range r.Rows {
				out = append(out, row...)
			}
			out = append(out, r.Summary...)
			return nil
		})
		return out, err
	}
	ref, err := run(1)
	if err != nil {
		return modelError("shard determinism", err)
	}
	differ := 0
	for _, w := range []int{2, 8} {
		got, err := run(w)
		if err != nil {
			return modelError("shard determinism", err)
		}
		differ += max(len(ref), len(got)) - min(len(ref), len(got))
		for i := range min(len(ref), len(got)) {
			if math.Float64bits(got[i]) != math.Float64bits(ref[i]) {
				differ++
			}
		}
	}
	return []Result{exact(fmt.Sprintf("values differing from Runner workers = 1, workers = 2 and 8, %d shards", m.Shards()), 0, float64(differ),
		fmt.Sprintf("a replicate's output is a function of (model, seed, replicate) only; %d values per run (%d columns); workers beyond GOMAXPROCS spin as GOMAXPROCS",
			len(ref), len(m.Columns())))}
}

// checkShardsMatchUnsharded runs the default preset (glutamate-ca1: the
// CA1 synapse with AMPA receptors and GLT-1), shortened to 2 ms, as one
// shard and as 4, 24 replicates each, and compares the means of two
// summary columns: the peak number of open AMPA receptors and the
// fraction of the glutamate transported. The two runs are independent
// samples (a sharded replicate draws its random numbers per block), so the
// SE is that of a difference of means. With 24 replicates each the SE of
// the difference is about 0.9 open receptors (5 % of a peak of about 19)
// and 0.0009 of the fraction transported (2.6 % of 0.035): a bias of 19 %
// in the peak or 10 % in the transported fraction shows at z = 4. (Moved
// here from the montecarlo tests, where it was the longest test.)
func checkShardsMatchUnsharded(seed uint64) []Result {
	const reps, duration = 24, 2.0
	stats := func(k int) (peak, frac []float64, err error) {
		spec, err := presetSpec("glutamate-ca1")
		if err != nil {
			return nil, nil, err
		}
		spec.Run.Shards = k
		spec.Run.Duration = duration
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return nil, nil, err
		}
		ip, it := -1, -1
		for i, c := range m.SummaryColumns() {
			switch c.Name {
			case "peak_open_ampa":
				ip = i
			case "frac_transported":
				it = i
			}
		}
		if ip < 0 || it < 0 {
			return nil, nil, fmt.Errorf("summary columns %v lack peak_open_ampa or frac_transported", m.SummaryColumns())
		}
		ids := make([]int, reps)
		for i := range ids {
			ids[i] = i
		}
		err = montecarlo.Runner{}.Run(context.Background(), m, seed, ids, func(r montecarlo.Replicate) error {
			peak = append(peak, r.Summary[ip])
			frac = append(frac, r.Summary[it])
			return nil
		})
		return peak, frac, err
	}
	p1, f1, err := stats(1)
	if err != nil {
		return modelError("CA1 synapse, 1 shard", err)
	}
	p4, f4, err := stats(4)
	if err != nil {
		return modelError("CA1 synapse, 4 shards", err)
	}
	var out []Result
	for _, c := range []struct {
		name string
		a, b []float64
	}{{"peak open AMPA", p1, p4}, {"fraction transported", f1, f4}} {
		ma, sa := meanSE(c.a)
		mb, sb := meanSE(c.b)
		se := math.Hypot(sa, sb)
		out = append(out, compare(fmt.Sprintf("%s, glutamate-ca1 (%g ms), 4 shards vs 1", c.name, duration), ma, mb, se,
			fmt.Sprintf("expected: the mean over %d unsharded replicates (%.4g ± %.2g); SE of the difference of two means; relative SE %.1f%%, so a %.0f%% bias shows at z = 4",
				reps, ma, sa, 100*se/ma, 400*se/ma)))
	}
	return out
}
