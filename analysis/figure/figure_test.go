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
	// 0.45 inch, at 100 dpi.
	b := img.Bounds()
	if b.Dx() != 1500 || b.Dy() != 2*360+45 {
		t.Errorf("size %dx%d, want 1500x765", b.Dx(), b.Dy())
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
	if len(plots) != 2 || !strings.Contains(plots[0].X.Label.Text, "drug.x (uM)") {
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
