package view

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/space"
)

// checkCover asserts that the quads of s cover exactly the given faces:
// each face's centre lies in exactly one quad of the same normal and
// plane, and the quads' total area equals the faces' (so no quad covers
// anything else). A merge that dropped, duplicated or overgrew a
// rectangle fails one of the two.
func checkCover(t *testing.T, g *space.Grid, s Surface, faces []face) {
	t.Helper()
	if len(s.Quads) != 12*len(s.Normals) {
		t.Fatalf("%s: %d coordinates for %d quads", s.Name, len(s.Quads), len(s.Normals))
	}
	type key struct {
		dir   uint8
		plane int64
	}
	round := func(x float64) int64 { return int64(math.Round(x / g.H * 2)) }
	type box struct{ lo, hi [3]float64 }
	byPlane := map[key][]box{}
	area := 0.0
	for q, d := range s.Normals {
		var b box
		for a := 0; a < 3; a++ {
			b.lo[a], b.hi[a] = math.Inf(1), math.Inf(-1)
		}
		for c := 0; c < 4; c++ {
			for a := 0; a < 3; a++ {
				x := float64(s.Quads[12*q+3*c+a])
				b.lo[a], b.hi[a] = math.Min(b.lo[a], x), math.Max(b.hi[a], x)
			}
		}
		a := int(d) / 2
		if b.hi[a]-b.lo[a] > 1e-6 {
			t.Fatalf("%s: quad %d is not flat along its normal axis %c", s.Name, q, "xyz"[a])
		}
		area += (b.hi[(a+1)%3] - b.lo[(a+1)%3]) * (b.hi[(a+2)%3] - b.lo[(a+2)%3])
		k := key{d, round(b.lo[a])}
		byPlane[k] = append(byPlane[k], b)
	}
	for _, f := range faces {
		c := g.FaceCentre(g.Index(f.ijk[0], f.ijk[1], f.ijk[2]), f.dir)
		a := f.dir / 2
		n := 0
		for _, b := range byPlane[key{uint8(f.dir), round(c[a])}] {
			in := true
			for _, o := range []int{(a + 1) % 3, (a + 2) % 3} {
				in = in && c[o] > b.lo[o] && c[o] < b.hi[o]
			}
			if in {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s: face %v dir %d lies in %d quads, want 1", s.Name, f.ijk, f.dir, n)
		}
	}
	want := float64(len(faces)) * g.H * g.H
	if math.Abs(area-want) > 1e-4*want {
		t.Fatalf("%s: quads cover %g µm², the %d faces %g µm²", s.Name, area, len(faces), want)
	}
}

// facesOf lists the faces of g that Surfaces puts in the surface named
// name, recomputed from the voxel kinds.
func facesOf(g *space.Grid, name string) []face {
	var out []face
	for _, tl := range g.Tiles() {
		if g.TileRegions()[tl.Region] == name {
			i, j, k := g.Coords(int(tl.Voxel))
			out = append(out, face{[3]int{i, j, k}, int(tl.Dir)})
		}
	}
	return out
}

func TestSurfacesCoverTiles(t *testing.T) {
	random := func(seed uint64) *space.Grid {
		r := rand.New(rand.NewPCG(seed, 1))
		b, err := space.NewBuilder([3]float64{-0.1, 0.2, 0}, 0.01, [3]int{9, 7, 6})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 6; k++ {
			for j := 0; j < 7; j++ {
				for i := 0; i < 9; i++ {
					switch x := r.Float64(); {
					case x < 0.35:
						b.Set(i, j, k, space.Wall)
					case x < 0.45:
						b.Set(i, j, k, space.Sink)
					}
				}
			}
		}
		names := []string{"a", "b", "c"}
		b.TileRegion(func(v, d int, _ [3]float64) string { return names[(v*7+d)%3] })
		g, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	preset, err := modelfile.LoadPreset("glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		g    *space.Grid
	}{{"glutamate-ca1", preset.Grid}, {"random 1", random(1)}, {"random 2", random(2)}, {"random 3", random(3)}} {
		t.Run(c.name, func(t *testing.T) {
			tiles := 0
			for _, s := range Surfaces(c.g) {
				if s.Kind != KindMembrane {
					continue
				}
				fs := facesOf(c.g, s.Name)
				if len(fs) != s.Tiles {
					t.Fatalf("%s: %d tiles, the grid has %d", s.Name, s.Tiles, len(fs))
				}
				checkCover(t, c.g, s, fs)
				tiles += s.Tiles
			}
			if tiles != len(c.g.Tiles()) {
				t.Fatalf("surfaces hold %d tiles, the grid %d", tiles, len(c.g.Tiles()))
			}
		})
	}
}

// TestCleftScene checks the scene of the default preset against its
// model file: the membrane regions of the cleft builder, 80 AMPA
// receptors on the PSD (r < 0.115 µm on the postsynaptic face z = -10 nm),
// GLT-1 on the perisynaptic ring, the release point just under the
// presynaptic face, a section between the two membranes, and a page of a
// few MB at most.
func TestCleftScene(t *testing.T) {
	m, err := modelfile.LoadPreset("glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromModel(m, "glutamate-ca1", "preset:glutamate-ca1", m.Spec.Run.Seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	quads, tiles := 0, 0
	for _, sf := range s.Surfaces {
		names = append(names, sf.Name)
		if sf.Kind == KindMembrane {
			quads += len(sf.Normals)
			tiles += sf.Tiles
		}
	}
	sort.Strings(names)
	if got := strings.Join(names, ","); got != "absorbing boundary,lateral,peri,post,pre,psd" {
		t.Errorf("surfaces %s", got)
	}
	// Merging must pay: flat discs merge into rows of tiles.
	if quads*5 > tiles {
		t.Errorf("%d tiles merged into %d quads only", tiles, quads)
	}
	count := map[string]int{}
	for i, ty := range s.SiteType {
		name := s.SiteTypes[ty].Name
		count[name]++
		x, y, z := s.SitePos[3*i], s.SitePos[3*i+1], s.SitePos[3*i+2]
		r := math.Hypot(float64(x), float64(y))
		switch name {
		case "ampa":
			if math.Abs(float64(z)+0.01) > 1e-6 || r >= 0.115 {
				t.Fatalf("ampa site %d at (%g, %g, %g): not on the PSD", i, x, y, z)
			}
		case "glt1":
			if math.Abs(math.Abs(float64(z))-0.01) > 1e-6 || r < 0.15-0.01 || r > 0.4 {
				t.Fatalf("glt1 site %d at (%g, %g, %g): not on the perisynaptic ring", i, x, y, z)
			}
		}
		if s.SiteState[i] != 0 {
			t.Fatalf("site %d starts in state %d, want the initial state 0", i, s.SiteState[i])
		}
	}
	if count["ampa"] != 80 || count["glt1"] < 4000 {
		t.Errorf("sites %v, want 80 ampa and 5000/µm² × ≈0.86 µm² glt1", count)
	}
	if len(s.Releases) != 1 || s.Releases[0].At[0] != 0 || s.Releases[0].At[1] != 0 || math.Abs(s.Releases[0].At[2]-(0.01-1e-6)) > 1e-12 {
		t.Errorf("releases %+v", s.Releases)
	}
	if !s.Section.On || s.Section.Axis != 2 || !(s.Section.Pos > -0.01 && s.Section.Pos < 0.01) {
		t.Errorf("section %+v: want a cut between the membranes at z = ±10 nm", s.Section)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, s); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 3<<20 {
		t.Errorf("the default preset's page is %d bytes", buf.Len())
	}
}

// sceneOfPage extracts the scene JSON from a page.
func sceneOfPage(t *testing.T, page string) map[string]any {
	t.Helper()
	re := regexp.MustCompile(`(?s)<script id="scene" type="application/json">(.*?)</script>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no scene element in the page")
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(m[1]), &out); err != nil {
		t.Fatalf("scene JSON: %v", err)
	}
	return out
}

func TestWriteHTMLSelfContained(t *testing.T) {
	s := &Scene{Title: `a </script><b>"x"`, Focus: Focus{Radius: 1}, Surfaces: []SurfaceData{{Name: "psd", Kind: KindMembrane, Quads: F32{0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0}, Normals: []byte{4}, Tiles: 1}}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, s); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	got := sceneOfPage(t, page)
	if got["title"] != s.Title {
		t.Errorf("title round trip: %q", got["title"])
	}
	if n := strings.Count(page, "</script>"); n != 2 {
		t.Errorf("%d closing script tags, want 2 (data and code)", n)
	}
	for _, bad := range []string{`<script src=`, `<link `, `import(`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page refers to an outside resource: %s", bad)
		}
	}
	if !strings.Contains(page, "three.js 0.187.0") {
		t.Error("the bundle does not say which three.js it holds")
	}
	if !strings.Contains(ThreeLicense(), "MIT") {
		t.Error("three.js licence missing")
	}
}

var (
	fxOnce sync.Once
	fx     fixture
)

// smallFixture is a run of replicates 0 and 1 over 0.1 ms (0.05 ms with
// -short), snapshots every
// 50 µs, shared by the tests of this file (built once).
func smallFixture(t *testing.T) fixture {
	fxOnce.Do(func() {
		dir, err := os.MkdirTemp("", "view-fixture-")
		if err != nil {
			t.Fatal(err)
		}
		d := 0.1
		if testing.Short() {
			d = 0.05
		}
		fx = writeFixtureRun(t, dir, []int{0, 1}, d, 0.05)
	})
	if fx.dir == "" {
		t.Fatal("fixture failed")
	}
	return fx
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fx.dir != "" {
		os.RemoveAll(fx.dir)
	}
	os.Exit(code)
}

func TestFromRun(t *testing.T) {
	f := smallFixture(t)
	for _, rep := range []int{-1, 0, 1} {
		want := rep
		if rep < 0 {
			want = 0
		}
		s, err := FromRun(f.dir, RunOptions{Replicate: rep})
		if err != nil {
			t.Fatal(err)
		}
		rd := s.Run
		if rd.Replicate != want || rd.Condition != "base" || !rd.Snapshots {
			t.Fatalf("replicate %d condition %s snapshots %v", rd.Replicate, rd.Condition, rd.Snapshots)
		}
		if len(rd.Times) != len(f.times) {
			t.Fatalf("%d frames, the fixture %d", len(rd.Times), len(f.times))
		}
		for i, tm := range f.times {
			if math.Abs(float64(rd.Times[i])-tm) > 1e-6 {
				t.Fatalf("frame %d at %g ms, want %g", i, rd.Times[i], tm)
			}
			if rd.MolRows[i] != f.rows[want][i] || int(rd.MolStart[i+1]-rd.MolStart[i]) != f.rows[want][i] {
				t.Fatalf("frame %d: %d rows, %d drawn, the fixture wrote %d", i, rd.MolRows[i], rd.MolStart[i+1]-rd.MolStart[i], f.rows[want][i])
			}
		}
		// Molecule positions and species round-trip: frame by frame, by id.
		k := 0
		for i := range f.times {
			var rows []SnapshotRow
			for _, r := range f.snaps[want] {
				if math.Abs(r.T-f.times[i]) < 1e-12 {
					rows = append(rows, r)
				}
			}
			sort.Slice(rows, func(a, b int) bool { return rows[a].Molecule < rows[b].Molecule })
			for _, r := range rows {
				if s.Species[rd.MolSpecies[k]] != r.Species || rd.MolPos[3*k] != float32(r.X) || rd.MolPos[3*k+2] != float32(r.Z) {
					t.Fatalf("frame %d molecule %d: got %s (%g, %g), want %s (%g, %g)", i, r.Molecule, s.Species[rd.MolSpecies[k]], rd.MolPos[3*k], rd.MolPos[3*k+2], r.Species, r.X, r.Z)
				}
				k++
			}
		}
		// Site states at every frame.
		n := f.nSites
		if len(s.SiteType) != n || len(rd.SiteStates) != n*len(f.times) {
			t.Fatalf("%d sites, %d states; want %d sites × %d frames", len(s.SiteType), len(rd.SiteStates), n, len(f.times))
		}
		for _, r := range f.sites[want] {
			fi := -1
			for i, tm := range f.times {
				if tm == r.T {
					fi = i
				}
			}
			ty := s.SiteType[r.Site]
			if got := s.SiteTypes[ty].States[rd.SiteStates[fi*n+int(r.Site)]]; got != r.State || s.SiteTypes[ty].Name != r.SiteType {
				t.Fatalf("site %d at %g ms: %s %s, want %s %s", r.Site, r.T, s.SiteTypes[ty].Name, got, r.SiteType, r.State)
			}
		}
	}
}

func TestFromRunCaps(t *testing.T) {
	f := smallFixture(t)
	s, err := FromRun(f.dir, RunOptions{Replicate: 0, Caps: Caps{PerFrame: 100, Total: 1 << 30}})
	if err != nil {
		t.Fatal(err)
	}
	rd := s.Run
	for i, rows := range f.rows[0] {
		if got := int(rd.MolStart[i+1] - rd.MolStart[i]); got != min(rows, 100) || rd.MolRows[i] != rows {
			t.Fatalf("frame %d: %d drawn of %d, want %d of %d", i, got, rd.MolRows[i], min(rows, 100), rows)
		}
	}
	if !strings.Contains(strings.Join(rd.Notes, " "), "at most 100 molecules per frame") {
		t.Errorf("notes %q do not say the molecules are subsampled", rd.Notes)
	}
}

func TestFromRunErrors(t *testing.T) {
	f := smallFixture(t)
	copyRun := func(t *testing.T) string {
		dir := t.TempDir()
		err := filepath.Walk(f.dir, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(f.dir, p)
			if info.IsDir() {
				return os.MkdirAll(filepath.Join(dir, rel), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, c := range []struct {
		name  string
		setup func(t *testing.T) (string, RunOptions)
		want  string // in the error, or in the notes when ok
		ok    bool
	}{
		{"unknown condition", func(t *testing.T) (string, RunOptions) {
			return f.dir, RunOptions{Condition: "drug", Replicate: -1}
		}, `no condition "drug" (conditions: base)`, false},
		{"unknown replicate", func(t *testing.T) (string, RunOptions) {
			return f.dir, RunOptions{Replicate: 7}
		}, "no replicate 7 (replicates: 0-1)", false},
		{"not a run", func(t *testing.T) (string, RunOptions) {
			return t.TempDir(), RunOptions{Replicate: -1}
		}, "is not a run directory", false},
		{"corrupt part", func(t *testing.T) (string, RunOptions) {
			dir := copyRun(t)
			p := filepath.Join(dir, TableSnapshots, "condition=base", "part-00001.parquet")
			if err := os.WriteFile(p, []byte("PAR1 not really"), 0o644); err != nil {
				t.Fatal(err)
			}
			return dir, RunOptions{Replicate: -1}
		}, "part-00001.parquet is not a readable Parquet file", false},
		{"missing model file", func(t *testing.T) (string, RunOptions) {
			return f.dir, RunOptions{Replicate: -1, ModelFile: filepath.Join(t.TempDir(), "nope.yaml")}
		}, "nope.yaml", false},
		{"model file", func(t *testing.T) (string, RunOptions) {
			return f.dir, RunOptions{Replicate: -1, ModelFile: "../../../../montecarlo/modelfile/presets/glutamate-ca1.yaml"}
		}, "", true},
		{"no snapshots", func(t *testing.T) (string, RunOptions) {
			dir := copyRun(t)
			if err := os.RemoveAll(filepath.Join(dir, TableSnapshots)); err != nil {
				t.Fatal(err)
			}
			return dir, RunOptions{Replicate: -1}
		}, "rerun with mc run --snapshots 50us", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, o := c.setup(t)
			s, err := FromRun(dir, o)
			if !c.ok {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %v, want one containing %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(s.Run.Notes, " "), c.want) || len(s.Surfaces) == 0 {
				t.Fatalf("notes %q (want %q) and %d surfaces (want the geometry)", s.Run.Notes, c.want, len(s.Surfaces))
			}
		})
	}
}

func TestWriteGeometry(t *testing.T) {
	m, err := modelfile.LoadPreset("glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromModel(m, "g", "g", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	quads := 0
	for _, sf := range s.Surfaces {
		if sf.Kind == KindMembrane {
			quads += len(sf.Normals)
		}
	}
	for _, format := range GeometryFormats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			names, err := WriteGeometry(&buf, s, format, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 5 {
				t.Fatalf("regions %v", names)
			}
			lines := map[string]int{}
			header := map[string]string{}
			sc := bufio.NewScanner(&buf)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				if len(f) == 0 {
					continue
				}
				lines[f[0]]++
				if len(f) >= 3 {
					header[f[0]+" "+f[1]] = f[2]
				}
				if f[0] == "POINTS" || f[0] == "POLYGONS" || f[0] == "CELL_DATA" {
					header[f[0]] = f[1]
				}
			}
			switch format {
			case "obj":
				if lines["v"] != 4*quads || lines["f"] != quads || lines["g"] != len(names) {
					t.Fatalf("%d v, %d f, %d g; want %d, %d, %d", lines["v"], lines["f"], lines["g"], 4*quads, quads, len(names))
				}
			case "ply":
				if header["element vertex"] != strconv.Itoa(4*quads) || header["element face"] != strconv.Itoa(quads) || lines["4"] != quads {
					t.Fatalf("header %v, %d faces; want %d quads", header, lines["4"], quads)
				}
			case "vtk":
				if header["POINTS"] != strconv.Itoa(4*quads) || header["POLYGONS"] != strconv.Itoa(quads) || header["CELL_DATA"] != strconv.Itoa(quads) {
					t.Fatalf("header %v; want %d quads", header, quads)
				}
			}
		})
	}
	if _, err := WriteGeometry(new(bytes.Buffer), s, "stl", false); err == nil {
		t.Error("format stl accepted")
	}
}

func TestWriteSnapshots(t *testing.T) {
	f := smallFixture(t)
	s, err := FromRun(f.dir, RunOptions{Replicate: 1, Caps: Caps{PerFrame: math.MaxInt, Total: math.MaxInt}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteXYZ(&buf, s); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	for i := range f.times {
		if !sc.Scan() {
			t.Fatalf("XYZ ends before frame %d", i)
		}
		n, err := strconv.Atoi(sc.Text())
		if err != nil || n != f.rows[1][i] {
			t.Fatalf("frame %d count line %q, want %d", i, sc.Text(), f.rows[1][i])
		}
		sc.Scan()
		for k := 0; k < n; k++ {
			if !sc.Scan() || len(strings.Fields(sc.Text())) != 4 {
				t.Fatalf("frame %d atom %d: %q", i, k, sc.Text())
			}
		}
	}
	if sc.Scan() {
		t.Fatalf("extra XYZ line %q", sc.Text())
	}
	last := len(f.times) - 1
	buf.Reset()
	if err := WriteVTKFrame(&buf, s, last); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "POINTS "+strconv.Itoa(f.rows[1][last])+" float") {
		t.Fatalf("VTK frame header: %.200s", buf.String())
	}
}

// The engine accessors used by FromModel agree with the engine's counts.
func TestSitesMatchStateCounts(t *testing.T) {
	m, err := modelfile.LoadPreset("glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(3, 2)
	per := map[[2]int]int64{}
	for _, si := range e.Sites() {
		per[[2]int{si.Type, si.State}]++
	}
	for ty := range m.SiteTypeNames() {
		for st, n := range e.StateCounts(ty) {
			if per[[2]int{ty, st}] != n {
				t.Fatalf("type %d state %d: %d sites listed, the engine counts %d", ty, st, per[[2]int{ty, st}], n)
			}
		}
	}
}
