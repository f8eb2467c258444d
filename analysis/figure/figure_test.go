package figure

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/analysis/analysistest"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// toyDataset loads a synthetic run with the given conditions.
func toyDataset(t *testing.T, conds ...string) *analysis.Dataset {
	t.Helper()
	dir := t.TempDir()
	if _, err := analysistest.Write(dir, analysistest.Spec{Replicates: 4, Conditions: conds}); err != nil {
		t.Fatal(err)
	}
	srcs, err := analysis.Resolve(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := analysis.Load(srcs, analysis.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestPNG draws a figure and checks that it is a PNG of the expected size
// with the series' colours in it.
func TestPNG(t *testing.T) {
	ds := toyDataset(t, "control", "drug")
	path := filepath.Join(t.TempDir(), "fig.png")
	opts := Options{Title: "toy", DPI: 100}
	if err := Save(ds, path, opts); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// Default panels: free_cleft, open_ampa, current_pA, transported and
	// fates: 5 panels on 3 columns, 2 rows, 5 × 3.6 inches each, title
	// 0.45 inch, legend 0.6 inch (one row of conditions, one of notes),
	// at 100 dpi.
	b := img.Bounds()
	if b.Dx() != 1500 || b.Dy() != 2*360+45+60 {
		t.Errorf("size %dx%d, want 1500x825", b.Dx(), b.Dy())
	}
	white, colored := 0, 0
	seen := make([]int, 2)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.R > 250 && c.G > 250 && c.B > 250 {
				white++
			}
			if c.R != c.G || c.G != c.B {
				colored++
			}
			for i := range seen {
				if colorNear(c, Palette[i]) {
					seen[i]++
				}
			}
		}
	}
	total := b.Dx() * b.Dy()
	if white == total || colored < total/100 {
		t.Errorf("blank figure: %d white and %d coloured of %d pixels", white, colored, total)
	}
	for i, n := range seen {
		if n < 500 {
			t.Errorf("colour of condition %d drawn on only %d pixels", i, n)
		}
	}
}

func colorNear(a, b color.NRGBA) bool {
	d := func(x, y uint8) float64 { return math.Abs(float64(x) - float64(y)) }
	return d(a.R, b.R)+d(a.G, b.G)+d(a.B, b.B) < 24
}

// svgPaths parses an SVG document and returns the style and number of
// segments of each <path>.
func svgPaths(t *testing.T, r io.Reader) (styles []string, segs []int) {
	t.Helper()
	dec := xml.NewDecoder(r)
	root := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local == "svg" {
			root = true
		}
		if se.Name.Local != "path" {
			continue
		}
		var style, d string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "style":
				style = a.Value
			case "d":
				d = a.Value
			}
		}
		styles = append(styles, style)
		segs = append(segs, strings.Count(d, "L"))
	}
	if !root {
		t.Fatal("no <svg> element")
	}
	return styles, segs
}

// TestSVG checks that every condition has one long line per time-course
// panel.
func TestSVG(t *testing.T) {
	ds := toyDataset(t, "drug.x@1uM", "drug.x@3uM", "drug.x@10uM")
	opts := Options{Observables: []string{"free_cleft", "open_ampa"}, Panels: []string{Course, Fates}}
	var buf bytes.Buffer
	if err := Write(&buf, "svg", ds, opts); err != nil {
		t.Fatal(err)
	}
	styles, segs := svgPaths(t, &buf)
	if len(styles) < 50 {
		t.Errorf("only %d paths", len(styles))
	}
	for i := range 3 {
		stroke := fmt.Sprintf("stroke:#%02X%02X%02X", Palette[i].R, Palette[i].G, Palette[i].B)
		long := 0
		for k, s := range styles {
			if strings.Contains(s, stroke) && segs[k] >= 50 {
				long++
			}
		}
		if long != 2 {
			t.Errorf("condition %d: %d time-course lines, want 2", i, long)
		}
	}
	n, err := SeriesCount(ds, opts)
	if err != nil || n != 2*3+3 {
		t.Errorf("SeriesCount = %d, %v; want 9", n, err)
	}
}

// TestDosePanel draws a dose–response panel for a sweep of 4 doses.
func TestDosePanel(t *testing.T) {
	ds := toyDataset(t, "drug.x@0.1uM", "drug.x@1uM", "drug.x@10uM", "drug.x@100uM")
	plots, err := Plots(ds, Options{Panels: []string{Dose}, DoseQuantities: []string{"peak_free_cleft", "open_ampa.peak"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plots) != 2 || !strings.Contains(plots[0].X.Label.Text, "drug x (µM)") {
		t.Fatalf("%d plots, x label %q", len(plots), plots[0].X.Label.Text)
	}
	var buf bytes.Buffer
	if err := Write(&buf, "png", ds, Options{Panels: []string{Dose}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := image.Decode(&buf); err != nil {
		t.Fatal(err)
	}
	// Not a sweep: asking for a dose panel is an error.
	ds2 := toyDataset(t, "a", "b")
	if _, err := Plots(ds2, Options{Panels: []string{Dose}}); err == nil {
		t.Error("dose panel of a non-sweep")
	}
	if _, err := Plots(ds2, Options{Observables: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "free_cleft") {
		t.Errorf("unknown observable: %v", err)
	}
}

// TestOneLegend checks that the conditions are named once in the figure
// (one legend shared by the panels), in SVG text that names generic font
// fallbacks.
func TestOneLegend(t *testing.T) {
	ds := toyDataset(t, "control", "drug")
	var buf bytes.Buffer
	if err := Write(&buf, "svg", ds, Options{}); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, c := range []string{"control", "drug"} {
		if n := strings.Count(svg, ">"+c+"<"); n != 1 {
			t.Errorf("condition %q named %d times, want once (one shared legend)", c, n)
		}
	}
	if strings.Contains(svg, "font-family:Liberation Sans;") || !strings.Contains(svg, "sans-serif") {
		t.Error("SVG font families without a generic fallback")
	}
}

// TestBandsBounded checks that confidence bands stay within the values a
// quantity can take: a count whose replicates straddle zero (mean 1, SD
// about 13) has a t band reaching far below zero, drawn from zero.
func TestBandsBounded(t *testing.T) {
	dir := t.TempDir()
	cols := []results.Column{{Name: "free_cleft", Unit: "count", Role: results.RoleCount, Label: "free in the cleft", Region: "cleft"}}
	spec := analysistest.Spec{Replicates: 4, Columns: cols, NoSummary: true,
		Series: func(_ string, _, rep int, _ float64, out []float64) { out[0] = 1 + 10*(float64(rep)-1.5) }}
	if _, err := analysistest.Write(dir, spec); err != nil {
		t.Fatal(err)
	}
	srcs, err := analysis.Resolve(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := analysis.Load(srcs, analysis.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if lo := ds.Conditions[0].Courses["free_cleft"].Lo[0]; !(lo < -10) {
		t.Fatalf("test data: band low end %g, want well below 0", lo)
	}
	lo, hi := bounds(results.RoleCount)
	_, upper, lower := courseSeries(ds.Conditions[0].Courses["free_cleft"], 0, lo, hi)
	if len(lower) == 0 {
		t.Fatal("no band")
	}
	for k := range lower {
		if lower[k].Y < 0 || upper[k].Y < lower[k].Y {
			t.Fatalf("band [%g, %g] at t = %g: below 0 or inverted", lower[k].Y, upper[k].Y, lower[k].X)
		}
	}
	if lo, hi := bounds(results.RoleFraction); lo != 0 || hi != 1 {
		t.Errorf("fraction bounds [%g, %g], want [0, 1]", lo, hi)
	}
	p, _, err := coursePlot(ds, "free_cleft", 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title.Text != "free in the cleft" || p.Y.Label.Text != "molecules" {
		t.Errorf("title %q, y label %q: want the column's label and what it counts", p.Title.Text, p.Y.Label.Text)
	}
}

// TestDoseOnlyForConcentrations checks that a sweep of another value (a
// diffusion coefficient) gets no dose–response panel by default and no
// Hill fit when asked, and that a concentration sweep gets both.
func TestDoseOnlyForConcentrations(t *testing.T) {
	// A charge that falls along a Hill curve of the swept value (midpoint
	// 1, slope 1), with a 2% spread over replicates.
	hillRun := func(conds ...string) *analysis.Dataset {
		dir := t.TempDir()
		spec := analysistest.Spec{Replicates: 4, Conditions: conds,
			SummaryColumns: []results.Column{{Name: "charge_fC", Unit: "fC", Role: results.RoleCharge, Label: "charge transfer"}},
			Summary: func(cond string, _, rep int, out []float64) {
				d, ok := analysis.ParseDose(cond)
				if !ok {
					t.Fatalf("condition %q is not a dose", cond)
				}
				out[0] = -(10 + 90/(1+d.Value)) * (1 + 0.02*(float64(rep)-1.5))
			}}
		if _, err := analysistest.Write(dir, spec); err != nil {
			t.Fatal(err)
		}
		srcs, err := analysis.Resolve(dir)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := analysis.Load(srcs, analysis.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	conc := hillRun("drug.x@0.1uM", "drug.x@0.3uM", "drug.x@1uM", "drug.x@3uM", "drug.x@10uM")
	diff := hillRun("species.glu.D@0.1um_2_ms", "species.glu.D@0.3um_2_ms", "species.glu.D@1um_2_ms", "species.glu.D@3um_2_ms", "species.glu.D@10um_2_ms")
	count := func(ds *analysis.Dataset, opts Options) (dose int, hill bool) {
		ps, err := panels(ds, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.kind == Dose {
				dose++
				hill = hill || p.hill
			}
		}
		return dose, hill
	}
	if n, hill := count(conc, Options{}); n != 1 || !hill {
		t.Errorf("concentration sweep: %d dose panels, Hill fit %v; want 1, true", n, hill)
	}
	for _, f := range analysis.DoseResponse(diff.Conditions) {
		if f.Quantity == "charge_fC" && f.Err != nil {
			t.Fatalf("test data: the Hill fit of %s against D fails (%v); the check below would pass for that reason", f.Quantity, f.Err)
		}
	}
	if n, _ := count(diff, Options{}); n != 0 {
		t.Errorf("sweep of D: %d dose panels by default, want 0", n)
	}
	n, hill := count(diff, Options{Panels: []string{Dose}})
	if n != 1 || hill {
		t.Errorf("sweep of D, dose asked: %d panels, Hill fit %v; want 1, false", n, hill)
	}
}
