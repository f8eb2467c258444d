package modelfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

const maskExample = "../../space/testdata/cleft_mask.yaml"

func TestMaskExampleLoads(t *testing.T) {
	m, err := Load(maskExample)
	if err != nil {
		t.Fatal(err)
	}
	g := m.Spec.Geometry
	if g.Kind != "mask" || g.MaskShape != [3]int{62, 62, 32} || len(g.MaskData) != 62*62*32 {
		t.Fatalf("geometry %s, shape %v", g.Kind, g.MaskShape)
	}
	if m.Grid.H != 0.01 || m.Grid.Origin != [3]float64{-0.31, -0.31, -0.16} {
		t.Fatalf("voxel %g origin %v", m.Grid.H, m.Grid.Origin)
	}
	if got := strings.Join(m.Grid.TileRegions(), ","); !strings.Contains(got, "peri") || !strings.Contains(got, "psd") {
		t.Fatalf("tile regions %s", got)
	}
	r := montecarlo.RunReplicate(m, 1, 0)
	if len(r.T) == 0 {
		t.Fatal("no samples")
	}
}

// maskModel writes the example model with one edit into a directory that
// also holds the mask, and loads it.
func maskModel(t *testing.T, old, new string) error {
	t.Helper()
	text, err := os.ReadFile(maskExample)
	if err != nil {
		t.Fatal(err)
	}
	npy, err := os.ReadFile("../../space/testdata/cleft_mask.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), old) {
		t.Fatalf("example has no %q", old)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cleft_mask.npy"), npy, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(p, []byte(strings.Replace(string(text), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(p)
	return err
}

func TestMaskErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"shape mismatch", "shape: [62, 62, 32]", "shape: [62, 62, 30]", "model.yaml:16:10: geometry.shape: the mask cleft_mask.npy is 62×62×32 voxels, not 62×62×30"},
		{"unknown label", "    7: {kind: wall, membrane: peri}", "", "model.yaml:18:3: geometry.labels: the mask cleft_mask.npy holds label(s) 7 that labels does not list"},
		{"missing voxel", "  voxel: 10 nm\n", "", "geometry.voxel: is required"},
		{"missing file", "file: cleft_mask.npy", "file: nothere.npy", "model.yaml:14:9: geometry.file: mask file"},
		{"bad kind", "{kind: sink}", "{kind: sinks}", "geometry.labels.0.kind: \"sinks\" is not one of"},
		{"region on wall", "{kind: wall, membrane: psd}", "{kind: wall, region: psd}", "geometry.labels.5.region: only free labels"},
		{"bad label", "    0: {kind: sink}", "    x: {kind: sink}", "a label must be a whole number"},
		{"release in a wall", "at: [0 nm, 0 nm, 9 nm]", "at: [0 nm, 0 nm, 50 nm]", "release[0].at: release point (0, 0, 0.05) µm is not in the extracellular space"},
		{"unknown membrane", "region: peri\n", "region: glia\n", "placement[0].region: no membrane region \"glia\""},
		{"cleft field", "  voxel: 10 nm\n", "  voxel: 10 nm\n  width: 20 nm\n", "width is not a field of a mask geometry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := maskModel(t, c.old, c.new)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v\nwant one containing %q", err, c.want)
			}
		})
	}
}
