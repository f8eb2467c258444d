package validate

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/space"
)

// maskCleftYAML is the model file of checkMaskCleft: a synapse whose
// geometry is the voxel mask maskcleft.npy (written by the check next to
// it) with the label table of space/testdata/cleft_mask.yaml.
//
//go:embed testdata/maskcleft.yaml
var maskCleftYAML []byte

// maskCleftSpec is the cleft that the mask of checkMaskCleft reproduces,
// the same as space/testdata/gen_cleft_mask.go's.
var maskCleftSpec = space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15, PSDRadius: 0.1,
	MembraneRadius: 0.2, HalfWidth: 0.3, HalfHeight: 0.15}

// maskCleftModels builds the two models of checkMaskCleft: the model file
// maskcleft.yaml loaded through modelfile from a temporary directory that
// also holds the mask it names, and the same Spec with the geometry
// replaced by the cleft builder. It also counts the voxels (kind or
// region) and membrane tiles (voxel, direction or region) in which the two
// grids differ.
func maskCleftModels() (mask, cleft *montecarlo.Model, differ int, err error) {
	g, err := space.Cleft(maskCleftSpec)
	if err != nil {
		return nil, nil, 0, err
	}
	shape, data := space.CleftLabels(g, maskCleftSpec)
	dir, err := os.MkdirTemp("", "mc-validate-maskcleft-")
	if err != nil {
		return nil, nil, 0, err
	}
	defer os.RemoveAll(dir)
	var npy bytes.Buffer
	if err := space.WriteNPY(&npy, shape, data); err != nil {
		return nil, nil, 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "maskcleft.npy"), npy.Bytes(), 0o644); err != nil {
		return nil, nil, 0, err
	}
	path := filepath.Join(dir, "maskcleft.yaml")
	if err := os.WriteFile(path, maskCleftYAML, 0o644); err != nil {
		return nil, nil, 0, err
	}
	if mask, err = modelfile.Load(path); err != nil {
		return nil, nil, 0, err
	}
	spec := mask.Spec
	spec.Geometry = montecarlo.GeometrySpec{Kind: "cleft", Cleft: maskCleftSpec}
	if cleft, err = montecarlo.NewModel(spec); err != nil {
		return nil, nil, 0, err
	}
	a, b := mask.Grid, cleft.Grid
	if a.N != b.N {
		return nil, nil, 0, fmt.Errorf("mask grid %v voxels, cleft %v", a.N, b.N)
	}
	for v := 0; v < a.NumVoxels(); v++ {
		if a.Kind(v) != b.Kind(v) || a.Kind(v) == space.Free && a.RegionNames()[a.Region(v)] != b.RegionNames()[b.Region(v)] {
			differ++
		}
	}
	ta, tb := a.Tiles(), b.Tiles()
	differ += max(len(ta), len(tb)) - min(len(ta), len(tb))
	for q := range min(len(ta), len(tb)) {
		if ta[q].Voxel != tb[q].Voxel || ta[q].Dir != tb[q].Dir || a.TileRegions()[ta[q].Region] != b.TileRegions()[tb[q].Region] {
			differ++
		}
	}
	return mask, cleft, differ, nil
}

// maskCleftStat is one per-replicate statistic of checkMaskCleft.
type maskCleftStat struct {
	quantity string
	eval     func(m *montecarlo.Model, r montecarlo.Replicate) float64
}

// maskCleftStats lists the compared statistics: free cleft molecules at
// several times, peaks of bound and open receptors and of bound
// transporters, and the fractions transported and escaped by the end.
func maskCleftStats() []maskCleftStat {
	at := func(col string, t float64) maskCleftStat {
		return maskCleftStat{fmt.Sprintf("%s(%s)", col, fmtTime(t)), func(m *montecarlo.Model, r montecarlo.Replicate) float64 {
			c := m.Column(col)
			for i, ti := range r.T {
				if math.Abs(ti-t) < 1e-9 {
					return r.Rows[i][c]
				}
			}
			return math.NaN()
		}}
	}
	peakOf := func(col string) maskCleftStat {
		return maskCleftStat{"peak " + col, func(m *montecarlo.Model, r montecarlo.Replicate) float64 {
			c, p := m.Column(col), math.Inf(-1)
			for _, row := range r.Rows {
				p = math.Max(p, row[c])
			}
			return p
		}}
	}
	summary := func(col string) maskCleftStat {
		return maskCleftStat{col, func(m *montecarlo.Model, r montecarlo.Replicate) float64 {
			for i, o := range m.SummaryColumns() {
				if o.Name == col {
					return r.Summary[i]
				}
			}
			return math.NaN()
		}}
	}
	return []maskCleftStat{
		at("free_cleft", 0.01), at("free_cleft", 0.02), at("free_cleft", 0.05), at("free_cleft", 0.1),
		at("free_perisynaptic", 0.02), at("free_extrasynaptic", 0.05),
		peakOf("bound_ampa"), peakOf("open_ampa"), peakOf("bound_glt1"),
		summary("frac_transported"), summary("frac_escaped"),
	}
}

// checkMaskCleft: a voxel-mask cleft built to match the cleft builder gives
// the same time courses within error. The synapse of
// testdata/maskcleft.yaml (2000 glutamate released below the presynaptic
// face, AMPA receptors on the PSD, GLT-1 on the perisynaptic ring and the
// lateral membranes, D lower in the cleft and the perisynaptic gap) is
// loaded through modelfile with its geometry as a .npy label mask (the
// cleft builder's grid labelled as in space/testdata/gen_cleft_mask.go,
// identical to space/testdata/cleft_mask.npy), and run again with the
// geometry replaced by the cleft builder. Each statistic is compared as a
// two-sample z: the difference of the replicate means over
// √(s²_cleft/n + s²_mask/n); "expected" is the cleft builder's mean. The
// two geometries run disjoint replicate indices, so the samples are
// independent.
func checkMaskCleft(seed uint64) []Result {
	const reps = 32
	mask, cleft, differ, err := maskCleftModels()
	if err != nil {
		return modelError("mask vs cleft builder", err)
	}
	stats := maskCleftStats()
	run := func(m *montecarlo.Model, first int) ([][]float64, error) {
		idx := make([]int, reps)
		for i := range idx {
			idx[i] = first + i
		}
		vals := make([][]float64, len(stats))
		err := montecarlo.Runner{}.Run(context.Background(), m, seed, idx, func(r montecarlo.Replicate) error {
			for k, s := range stats {
				vals[k] = append(vals[k], s.eval(m, r))
			}
			return nil
		})
		return vals, err
	}
	a, err := run(cleft, 0)
	if err != nil {
		return modelError("mask vs cleft builder", err)
	}
	b, err := run(mask, reps)
	if err != nil {
		return modelError("mask vs cleft builder", err)
	}
	out := []Result{exact("voxels and tiles that differ from the cleft builder", 0, float64(differ),
		fmt.Sprintf("%d voxels, %d tiles; kind and region of every voxel, voxel, direction and region of every tile", mask.Grid.NumVoxels(), len(mask.Grid.Tiles())))}
	for k, s := range stats {
		ma, sa := meanSE(a[k])
		mb, sb := meanSE(b[k])
		out = append(out, compare(s.quantity+", mask vs cleft", ma, mb, math.Hypot(sa, sb),
			fmt.Sprintf("expected: cleft builder %.4g ± %.2g; simulated: .npy mask via model file; %d replicates each; two-sample SE", ma, sa, reps)))
	}
	return out
}
