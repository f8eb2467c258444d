// Package figure draws the figures of reuptake analyses with gonum/plot:
// time courses (mean across replicates with its 95% confidence band, one
// line per condition), fate fractions (grouped bars with 95% intervals) and
// dose–response curves (mean ± 95% CI per dose with the fitted Hill curve),
// laid out as panels of one PNG, SVG or PDF figure.
package figure

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/reuptake/reuptake/analysis"
)

// Panel kinds.
const (
	Course = "course" // time courses, one panel per observable
	Fates  = "fates"  // fate fractions
	Dose   = "dose"   // dose–response, one panel per quantity
)

// Options control a figure.
type Options struct {
	// Observables are the time-course panels, in order. Empty: the
	// clearance observable, the open-receptor counts, the currents and
	// transported, as present (at most 4).
	Observables []string
	// Panels are the kinds drawn (Course, Fates, Dose). Empty: every kind
	// the data allow (fates need frac_* quantities, dose–response a sweep
	// of at least two numeric conditions).
	Panels []string
	// DoseQuantities are the responses of the dose–response panels. Empty:
	// the first present of charge_fC, decay_tau_ms, peak_open_*,
	// frac_transported.
	DoseQuantities []string
	// TMax, when > 0, limits the time axis of the time courses (ms).
	TMax float64
	// Title is printed above the panels.
	Title string
	// PanelWidth and PanelHeight are the size of one panel (default
	// 5 × 3.6 inches); DPI is the resolution of PNG output (default 150).
	PanelWidth, PanelHeight vg.Length
	DPI                     int
}

// Palette is the Okabe–Ito colour-blind-safe palette, one colour per
// condition (cycled).
var Palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
}

// Formats lists the output formats by file extension.
var Formats = []string{"png", "svg", "pdf"}

// Save draws the figure of ds into path; the format is the extension
// (.png, .svg or .pdf).
func Save(ds *analysis.Dataset, path string, opts Options) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if !contains(Formats, format) {
		return fmt.Errorf("figure: %s: unknown format %q (want .png, .svg or .pdf)", path, filepath.Ext(path))
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("figure: %w", err)
	}
	if err := Write(f, format, ds, opts); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// Write draws the figure of ds to w in format ("png", "svg" or "pdf").
func Write(w io.Writer, format string, ds *analysis.Dataset, opts Options) error {
	plots, err := Plots(ds, opts)
	if err != nil {
		return err
	}
	return writePlots(w, format, plots, opts)
}

// writePlots lays out plots as the panels of one figure in format.
func writePlots(w io.Writer, format string, plots []*plot.Plot, opts Options) error {
	pw, ph := opts.PanelWidth, opts.PanelHeight
	if pw <= 0 {
		pw = 5 * vg.Inch
	}
	if ph <= 0 {
		ph = 3.6 * vg.Inch
	}
	cols := 1
	switch n := len(plots); {
	case n >= 5:
		cols = 3
	case n >= 2:
		cols = 2
	}
	rows := (len(plots) + cols - 1) / cols
	titleH := vg.Length(0)
	if opts.Title != "" {
		titleH = 0.45 * vg.Inch
	}
	width, height := vg.Length(cols)*pw, vg.Length(rows)*ph+titleH

	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		dpi := opts.DPI
		if dpi <= 0 {
			dpi = 150
		}
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(dpi),
			vgimg.UseBackgroundColor(color.White))}
	case "svg":
		cw = vgsvg.New(width, height)
	case "pdf":
		cw = vgpdf.New(width, height)
	default:
		return fmt.Errorf("figure: unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	dc := draw.New(cw)
	if format != "png" { // white background (PNG has one already)
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
	}
	if opts.Title != "" {
		sty := draw.TextStyle{Color: color.Black, Font: font.From(sans, 14), XAlign: draw.XCenter, YAlign: draw.YCenter,
			Handler: plot.DefaultTextHandler}
		// Shrink a long title to the width of the figure, then cut it.
		title := opts.Title
		for sty.Font.Size > 9 && sty.Width(title) > 0.96*width {
			sty.Font.Size--
		}
		for r := []rune(title); sty.Width(title) > 0.96*width && len(r) > 1; {
			r = r[:len(r)-1]
			title = string(r) + "…"
		}
		dc.FillText(sty, vg.Point{X: width / 2, Y: height - titleH/2}, title)
		dc = draw.Crop(dc, 0, 0, 0, -titleH)
	}
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range grid[r] {
			if i := r*cols + c; i < len(plots) {
				grid[r][c] = plots[i]
			}
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 0.15 * vg.Inch, PadY: 0.15 * vg.Inch,
		PadTop: 0.1 * vg.Inch, PadBottom: 0.1 * vg.Inch, PadLeft: 0.1 * vg.Inch, PadRight: 0.2 * vg.Inch}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
	_, err := cw.WriteTo(w)
	return err
}

// Plots returns the panels of the figure, in order: time courses, fates,
// dose–response.
func Plots(ds *analysis.Dataset, opts Options) ([]*plot.Plot, error) {
	ps, err := panels(ds, opts)
	if err != nil {
		return nil, err
	}
	out := make([]*plot.Plot, len(ps))
	for i, p := range ps {
		out[i] = p.plot
	}
	return out, nil
}

// panel is a plot and the number of data series it draws.
type panel struct {
	plot   *plot.Plot
	series int
}

// panels builds the panels of the figure.
func panels(ds *analysis.Dataset, opts Options) ([]panel, error) {
	if len(ds.Conditions) == 0 {
		return nil, errors.New("figure: no conditions to plot")
	}
	for _, k := range opts.Panels {
		if k != Course && k != Fates && k != Dose {
			return nil, fmt.Errorf("figure: unknown panel kind %q (want %s, %s or %s)", k, Course, Fates, Dose)
		}
	}
	want := func(k string) bool { return len(opts.Panels) == 0 || contains(opts.Panels, k) }
	labels := legendLabels(ds)
	var out []panel
	if want(Course) {
		obs := opts.Observables
		if len(obs) == 0 {
			obs = defaultObservables(ds)
		}
		for i, o := range obs {
			tmax := opts.TMax
			if tmax <= 0 && o == ds.Clearance {
				tmax = clearanceWindow(ds, o)
			}
			p, n, err := coursePlot(ds, o, labels, tmax, i == 0)
			if err != nil {
				return nil, err
			}
			out = append(out, panel{p, n})
		}
	}
	if want(Fates) {
		p, ok := fatesPlot(ds, labels, len(out) == 0)
		if ok {
			out = append(out, panel{p, len(ds.Conditions)})
		} else if len(opts.Panels) > 0 {
			return nil, errors.New("figure: no fate fractions (frac_* summary columns, or released and transported/escaped time series) to plot")
		}
	}
	if want(Dose) {
		sw, isSweep := analysis.SweepOf(ds.ConditionNames())
		switch {
		case isSweep:
			qs := opts.DoseQuantities
			if len(qs) == 0 {
				if q := defaultDoseQuantity(ds); q != "" {
					qs = []string{q}
				}
			}
			for _, q := range qs {
				p, err := dosePlot(ds, sw, q)
				if err != nil {
					return nil, err
				}
				out = append(out, panel{p, 1})
			}
		case len(opts.Panels) > 0:
			return nil, fmt.Errorf("figure: the conditions (%s) are not a sweep of one numeric key@value: no dose–response", strings.Join(ds.ConditionNames(), ", "))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("figure: nothing to plot")
	}
	return out, nil
}

// legendLabels are the condition labels: the dose with its unit for a
// sweep, else the names.
func legendLabels(ds *analysis.Dataset) map[string]string {
	out := map[string]string{}
	sw, ok := analysis.SweepOf(ds.ConditionNames())
	for _, c := range ds.Conditions {
		out[c.Name] = c.Name
		if ok {
			out[c.Name] = strings.TrimSpace(number(sw.Doses[c.Name]) + " " + analysis.DisplayUnit(sw.Unit))
		}
	}
	return out
}

// clearanceWindow returns the end of the time axis that shows the decay of
// a clearance observable: three times the latest time, over the
// conditions, at which the mean first falls to 5% of its peak; 0 (the
// whole run) when that is more than half the run.
func clearanceWindow(ds *analysis.Dataset, obs string) float64 {
	var t5, end float64
	for _, c := range ds.Conditions {
		b, ok := c.Courses[obs]
		if !ok || len(b.T) == 0 {
			continue
		}
		end = math.Max(end, b.T[len(b.T)-1])
		ip := 0
		for i, v := range b.Mean {
			if v > b.Mean[ip] {
				ip = i
			}
		}
		k := ip
		for k < len(b.Mean) && b.Mean[k] > 0.05*b.Mean[ip] {
			k++
		}
		if k == len(b.Mean) {
			return 0
		}
		t5 = math.Max(t5, b.T[k])
	}
	if w := 3 * t5; w > 0 && w < end/2 {
		return w
	}
	return 0
}

// defaultObservables picks the time-course panels.
func defaultObservables(ds *analysis.Dataset) []string {
	var out []string
	has := func(name string) bool {
		for _, c := range ds.Conditions {
			if _, ok := c.Courses[name]; ok {
				return true
			}
		}
		return false
	}
	add := func(name string) {
		if len(out) < 4 && has(name) && !contains(out, name) {
			out = append(out, name)
		}
	}
	if ds.Clearance != "" {
		add(ds.Clearance)
	}
	c0 := ds.Conditions[0]
	for _, o := range c0.Observables {
		if strings.HasPrefix(o.Name, "open_") {
			add(o.Name)
		}
	}
	for _, o := range c0.Observables {
		if o.Unit == "pA" {
			add(o.Name)
		}
	}
	add("transported")
	if len(out) == 0 {
		for _, o := range c0.Observables {
			add(o.Name)
		}
	}
	return out
}

// defaultDoseQuantity picks the response of the dose–response panel.
func defaultDoseQuantity(ds *analysis.Dataset) string {
	c := ds.Conditions[0]
	for _, n := range []string{"charge_fC", "decay_tau_ms"} {
		if c.Quantity(n) != nil {
			return n
		}
	}
	for _, q := range c.Quantities {
		if strings.HasPrefix(q.Name, "peak_open_") {
			return q.Name
		}
	}
	if c.Quantity("frac_transported") != nil {
		return "frac_transported"
	}
	if len(c.Quantities) > 0 {
		return c.Quantities[0].Name
	}
	return ""
}

// sans is the font of every text of a figure.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot with the house style.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 12)
	p.Title.Padding = 6
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 11)
		a.Tick.Label.Font = font.From(sans, 10)
		a.Tick.Marker = shortTicks{}
		a.Padding = 2
	}
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 225}
	g.Horizontal.Color = color.Gray{Y: 225}
	p.Add(g)
	p.Legend.TextStyle.Font = font.From(sans, 10)
	p.Legend.ThumbnailWidth = 0.35 * vg.Inch
	return p
}

// placeLegend puts the legend in a corner of the data area, inset so that
// it stays clear of the axes.
func placeLegend(p *plot.Plot, top, left bool) {
	p.Legend.Top, p.Legend.Left = top, left
	p.Legend.XOffs = -0.22 * vg.Inch
	if left {
		p.Legend.XOffs = 0.12 * vg.Inch
	}
	p.Legend.YOffs = 0.05 * vg.Inch
	if top {
		p.Legend.YOffs = -0.05 * vg.Inch
	}
}

// shortTicks are plot.DefaultTicks labelled with the fewest digits that
// tell the values apart ("2500", not "2500.00").
type shortTicks struct{}

// Ticks implements plot.Ticker.
func (shortTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = number(ts[i].Value)
		}
	}
	return ts
}

// number formats a value for a label: plain digits for moderate
// magnitudes, exponent notation otherwise, at most 4 significant digits.
func number(v float64) string {
	if a := math.Abs(v); a != 0 && (a >= 1e6 || a < 1e-3) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 4, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// panelTitle is the observable's description when it is short enough
// (cut at its first comma or semicolon), else its name.
func panelTitle(name, desc string) string {
	if i := strings.IndexAny(desc, ",;("); i >= 0 {
		desc = strings.TrimSpace(desc[:i])
	}
	if desc == "" || len([]rune(desc)) > 46 {
		return name
	}
	return desc
}

// axisLabel is "name (unit)".
func axisLabel(name, unit string) string {
	if unit == "" || unit == "1" {
		return name
	}
	return name + " (" + unit + ")"
}

// coursePlot draws one observable's mean time course per condition with its
// 95% band.
func coursePlot(ds *analysis.Dataset, obs string, labels map[string]string, tmax float64, legend bool) (*plot.Plot, int, error) {
	var unit, desc string
	var down, found bool
	for _, c := range ds.Conditions {
		if _, ok := c.Courses[obs]; !ok {
			continue
		}
		found = true
		if col, ok := c.Observable(obs); ok {
			unit, desc = col.Unit, col.Description
		}
		down = down || c.Down[obs]
	}
	if !found {
		var present []string
		for _, o := range ds.Conditions[0].Observables {
			present = append(present, o.Name)
		}
		return nil, 0, fmt.Errorf("figure: no time course of %q (observables: %s)", obs, strings.Join(present, ", "))
	}
	p := newPlot(panelTitle(obs, desc), "time (ms)", axisLabel(obs, unit))
	series := 0
	for i, c := range ds.Conditions {
		b, ok := c.Courses[obs]
		if !ok {
			continue
		}
		col := Palette[i%len(Palette)]
		var line, upper, lower plotter.XYs
		for k := range b.T {
			if tmax > 0 && b.T[k] > tmax {
				break
			}
			line = append(line, plotter.XY{X: b.T[k], Y: b.Mean[k]})
			if !math.IsNaN(b.Lo[k]) && !math.IsNaN(b.Hi[k]) {
				upper = append(upper, plotter.XY{X: b.T[k], Y: b.Hi[k]})
				lower = append(lower, plotter.XY{X: b.T[k], Y: b.Lo[k]})
			}
		}
		var thumbs []plot.Thumbnailer
		if len(upper) > 1 {
			ring := append(plotter.XYs(nil), upper...)
			for k := len(lower) - 1; k >= 0; k-- {
				ring = append(ring, lower[k])
			}
			band, err := plotter.NewPolygon(ring)
			if err != nil {
				return nil, 0, err
			}
			band.Color = color.NRGBA{col.R, col.G, col.B, 0x48}
			band.LineStyle.Width = 0
			p.Add(band)
			thumbs = append(thumbs, band)
		}
		l, err := plotter.NewLine(line)
		if err != nil {
			return nil, 0, err
		}
		l.LineStyle.Color = col
		l.LineStyle.Width = vg.Points(1.6)
		p.Add(l)
		series++
		thumbs = append(thumbs, l)
		if legend {
			p.Legend.Add(labels[c.Name], thumbs...)
		}
	}
	placeLegend(p, !down, false)
	if legend {
		p.Legend.Add("shaded: 95% CI")
	}
	return p, series, nil
}

// fatesPlot draws the fate fractions as grouped bars with 95% intervals.
func fatesPlot(ds *analysis.Dataset, labels map[string]string, legend bool) (*plot.Plot, bool) {
	var fates []string
	for _, c := range ds.Conditions {
		for _, q := range c.Quantities {
			if f, ok := strings.CutPrefix(q.Name, "frac_"); ok && !contains(fates, f) {
				fates = append(fates, f)
			}
		}
	}
	// Leave out fates that are zero everywhere.
	kept := fates[:0]
	for _, f := range fates {
		for _, c := range ds.Conditions {
			if q := c.Quantity("frac_" + f); q != nil && analysis.Describe(q.Values).Max != 0 {
				kept = append(kept, f)
				break
			}
		}
	}
	fates = kept
	if len(fates) == 0 {
		return nil, false
	}
	p := newPlot("fate of released molecules (mean, 95% CI)", "", "fraction of released (%)")
	b := &bars{categories: len(fates)}
	for i, c := range ds.Conditions {
		s := barSeries{color: Palette[i%len(Palette)], label: labels[c.Name]}
		for _, f := range fates {
			v := analysis.Summary{Mean: math.NaN(), CI95: [2]float64{math.NaN(), math.NaN()}}
			if q := c.Quantity("frac_" + f); q != nil {
				v = analysis.Describe(q.Values)
			}
			s.mean = append(s.mean, 100*v.Mean)
			s.lo = append(s.lo, 100*v.CI95[0])
			s.hi = append(s.hi, 100*v.CI95[1])
		}
		b.series = append(b.series, s)
	}
	p.Add(b)
	names := make([]string, len(fates))
	for i, f := range fates {
		names[i] = strings.ReplaceAll(f, "_", " ")
	}
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = 11
	p.Y.Min = 0
	if legend && len(ds.Conditions) > 1 {
		for i := range b.series {
			p.Legend.Add(b.series[i].label, &b.series[i])
		}
		placeLegend(p, true, false)
	}
	return p, true
}

// dosePlot draws one quantity against the dose of a sweep: mean ± 95% CI
// per dose and the Hill fit when there is one.
func dosePlot(ds *analysis.Dataset, sw *analysis.Sweep, quantity string) (*plot.Plot, error) {
	var fit *analysis.DoseFit
	fits := analysis.DoseResponse(ds.Conditions)
	for i := range fits {
		if fits[i].Quantity == quantity {
			fit = &fits[i]
		}
	}
	if fit == nil {
		var present []string
		for _, q := range ds.Conditions[0].Quantities {
			present = append(present, q.Name)
		}
		return nil, fmt.Errorf("figure: no dose–response of %q: missing or constant (quantities: %s)", quantity, strings.Join(present, ", "))
	}
	unit := analysis.DisplayUnit(sw.Unit)
	p := newPlot(quantity+" against "+sw.Key, axisLabel(sw.Key, unit), axisLabel(quantity, fit.Unit))
	logX := true
	for _, pt := range fit.Points {
		logX = logX && pt.Dose > 0
	}
	dLo, dHi := fit.Points[0].Dose, fit.Points[len(fit.Points)-1].Dose
	if logX && dHi/dLo >= 10 {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		// A margin so that the end points and their error bars show whole.
		p.X.Min, p.X.Max = dLo/math.Pow(dHi/dLo, 0.06), dHi*math.Pow(dHi/dLo, 0.06)
	} else {
		logX = false
		pad := 0.06 * (dHi - dLo)
		p.X.Min, p.X.Max = dLo-pad, dHi+pad
	}
	pts := make(meanCI, len(fit.Points))
	for i, pt := range fit.Points {
		pts[i] = struct{ x, y, lo, hi float64 }{pt.Dose, pt.Summary.Mean, pt.Summary.CI95[0], pt.Summary.CI95[1]}
	}
	col := Palette[0]
	fitted := fit.Err == nil // with standard errors: the curve is identified
	if fitted {
		lo, hi := fit.Points[0].Dose, fit.Points[len(fit.Points)-1].Dose
		var curve plotter.XYs
		for k := 0; k <= 200; k++ {
			f := float64(k) / 200
			x := lo + f*(hi-lo)
			if logX {
				x = math.Exp(math.Log(lo) + f*(math.Log(hi)-math.Log(lo)))
			}
			curve = append(curve, plotter.XY{X: x, Y: fit.Hill.Eval(x)})
		}
		l, err := plotter.NewLine(curve)
		if err != nil {
			return nil, err
		}
		l.LineStyle.Color = Palette[1]
		l.LineStyle.Width = vg.Points(1.6)
		p.Add(l)
		name := "EC50"
		if !fit.Hill.Increasing {
			name = "IC50"
		}
		p.Legend.Add(fmt.Sprintf("Hill fit: %s %s %s, n = %s", name, number(fit.Hill.IC50.Value), unit, number(fit.Hill.Slope.Value)), l)
	} else {
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.LineStyle.Color = col
		l.LineStyle.Width = vg.Points(1)
		l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
	}
	eb, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return nil, err
	}
	eb.LineStyle.Color = col
	eb.LineStyle.Width = vg.Points(1.2)
	eb.CapWidth = vg.Points(6)
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Color = col
	sc.GlyphStyle.Radius = vg.Points(3.5)
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	p.Add(eb, sc)
	p.Legend.Add("mean ± 95% CI", sc)
	// The empty top corner is on the left of rising curves.
	rising := pts[0].y < pts[len(pts)-1].y
	if fitted {
		rising = fit.Hill.Increasing
	}
	placeLegend(p, true, rising)
	if !rising {
		// The axis reserves room on the right for the end tick labels of
		// the log scale: move the legend clear of it.
		p.Legend.XOffs = -0.5 * vg.Inch
	}
	return p, nil
}

// meanCI is points with error bars, for plotter.NewScatter and
// plotter.NewYErrorBars.
type meanCI []struct{ x, y, lo, hi float64 }

// Len implements plotter.XYer.
func (m meanCI) Len() int { return len(m) }

// XY implements plotter.XYer.
func (m meanCI) XY(i int) (float64, float64) { return m[i].x, m[i].y }

// YError implements plotter.YErrorer: the distances to the interval ends.
func (m meanCI) YError(i int) (float64, float64) {
	lo, hi := m[i].y-m[i].lo, m[i].hi-m[i].y
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return 0, 0
	}
	return lo, hi
}

// barSeries is one condition of a grouped bar chart.
type barSeries struct {
	color        color.Color
	label        string
	mean, lo, hi []float64
}

// Thumbnail draws the legend swatch.
func (s *barSeries) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	pts := []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}}
	c.FillPolygon(s.color, c.ClipPolygonY(pts))
}

// bars is a grouped bar chart with confidence intervals: category i is
// centred on x = i, with one bar per series side by side.
type bars struct {
	categories int
	series     []barSeries
}

// Plot implements plot.Plotter.
func (b *bars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	k := float64(len(b.series))
	group := 0.8
	w := group / k
	ls := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	for j, s := range b.series {
		for i := range s.mean {
			if math.IsNaN(s.mean[i]) {
				continue
			}
			x0 := float64(i) - group/2 + float64(j)*w
			x1 := x0 + w*0.92
			y0, y1 := trY(0), trY(s.mean[i])
			pts := []vg.Point{{X: trX(x0), Y: y0}, {X: trX(x0), Y: y1}, {X: trX(x1), Y: y1}, {X: trX(x1), Y: y0}}
			c.FillPolygon(s.color, c.ClipPolygonY(pts))
			if !math.IsNaN(s.lo[i]) && !math.IsNaN(s.hi[i]) {
				xm := trX((x0 + x1) / 2)
				cap := (trX(x1) - trX(x0)) / 4
				lo, hi := trY(s.lo[i]), trY(s.hi[i])
				c.StrokeLines(ls, c.ClipLinesY([]vg.Point{{X: xm, Y: lo}, {X: xm, Y: hi}})...)
				c.StrokeLines(ls, c.ClipLinesY([]vg.Point{{X: xm - cap, Y: lo}, {X: xm + cap, Y: lo}})...)
				c.StrokeLines(ls, c.ClipLinesY([]vg.Point{{X: xm - cap, Y: hi}, {X: xm + cap, Y: hi}})...)
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = -0.5, float64(b.categories)-0.5
	ymin, ymax = 0, 0
	for _, s := range b.series {
		for i := range s.mean {
			for _, v := range []float64{s.mean[i], s.hi[i], s.lo[i]} {
				if !math.IsNaN(v) {
					ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
				}
			}
		}
	}
	ymax *= 1.08 // room for the legend's first line
	if ymax == ymin {
		ymax = ymin + 1
	}
	return xmin, xmax, ymin, ymax
}

// SeriesCount returns the number of line or bar series a figure of ds with
// opts draws in its panels (one per condition per time-course panel, one
// per condition in the fates panel, one per dose–response panel). Tests use
// it to check output.
func SeriesCount(ds *analysis.Dataset, opts Options) (int, error) {
	ps, err := panels(ds, opts)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ps {
		n += p.series
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
