// Package figure draws the figures of reuptake analyses with gonum/plot:
// time courses (mean across replicates with its 95% confidence band, one
// line per condition), fate fractions (mean and 95% interval per condition,
// on a log axis when they span decades) and dose–response curves (mean ±
// 95% CI per dose, with the fitted Hill curve for concentration sweeps),
// laid out as panels of one PNG, SVG or PDF figure with one legend of the
// conditions that every panel shares.
//
// Axis labels and panel titles come from the column metadata (see
// analysis.LabelOf and analysis.RoleOf) with units as people read them
// (µM, µm²/ms); confidence bands are clipped to the values a quantity can
// take (counts ≥ 0, fractions in [0, 1]).
package figure

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/montecarlo/atomicfile"
	"github.com/reuptake/reuptake/montecarlo/results"
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
	// clearance observable, the open-receptor counts, the largest current
	// (a transporter current, a hundred times smaller, is left out) and
	// transported, as present (at most 4).
	Observables []string
	// Panels are the kinds drawn (Course, Fates, Dose). Empty: every kind
	// the data allow (fates need fraction quantities, dose–response a
	// sweep of a concentration over at least two conditions). Asking for
	// Dose on a sweep of another value (a diffusion coefficient) draws the
	// means against it without a Hill fit.
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
// (.png, .svg or .pdf). The file appears whole or not at all.
func Save(ds *analysis.Dataset, path string, opts Options) error {
	return save(path, func(w io.Writer, format string) error { return Write(w, format, ds, opts) })
}

// save writes a figure into path, in the format its extension names,
// through a temporary file renamed into place.
func save(path string, write func(w io.Writer, format string) error) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if !slices.Contains(Formats, format) {
		return fmt.Errorf("figure: %s: unknown format %q (want .png, .svg or .pdf)", path, filepath.Ext(path))
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return write(w, format) })
}

// Write draws the figure of ds to w in format ("png", "svg" or "pdf").
func Write(w io.Writer, format string, ds *analysis.Dataset, opts Options) error {
	ps, err := panels(ds, opts)
	if err != nil {
		return err
	}
	return writePanels(w, format, ps, figureLegend(ds, ps), opts)
}

// writePlots lays out plots, each with its own legend, as the panels of
// one figure in format.
func writePlots(w io.Writer, format string, plots []*plot.Plot, opts Options) error {
	ps := make([]panel, len(plots))
	for i, p := range plots {
		ps[i] = panel{plot: p}
	}
	return writePanels(w, format, ps, nil, opts)
}

// writePanels lays out the panels of one figure in format, under one
// legend shared by every panel (none when leg is nil).
func writePanels(w io.Writer, format string, ps []panel, leg *legend, opts Options) error {
	pw, ph := opts.PanelWidth, opts.PanelHeight
	if pw <= 0 {
		pw = 5 * vg.Inch
	}
	if ph <= 0 {
		ph = 3.6 * vg.Inch
	}
	cols := 1
	switch n := len(ps); {
	case n >= 5:
		cols = 3
	case n >= 2:
		cols = 2
	}
	rows := (len(ps) + cols - 1) / cols
	width := vg.Length(cols) * pw
	titleH := vg.Length(0)
	if opts.Title != "" {
		titleH = 0.45 * vg.Inch
	}
	legH := vg.Length(0)
	if leg != nil {
		legH = leg.height(width)
	}
	height := vg.Length(rows)*ph + titleH + legH

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
		cw = pdfCanvas{vgpdf.New(width, height)}
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
	if legH > 0 {
		leg.draw(draw.Crop(dc, 0, 0, dc.Max.Y-dc.Min.Y-legH, 0))
		dc = draw.Crop(dc, 0, 0, 0, -legH)
	}
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range grid[r] {
			if i := r*cols + c; i < len(ps) {
				grid[r][c] = ps[i].plot
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
	if format == "svg" {
		var buf bytes.Buffer
		if _, err := cw.WriteTo(&buf); err != nil {
			return err
		}
		_, err := w.Write(genericFonts(buf.Bytes()))
		return err
	}
	_, err := cw.WriteTo(w)
	return err
}

// pdfCanvas is a PDF canvas that writes text in the font's encoding: the
// PDF writer under vgpdf embeds fonts with the Windows-1252 code page and
// takes the bytes of a string as such, so that UTF-8 "µ" would print as
// "Âµ". Characters that the code page lacks are spelled out (τ as tau,
// superscripts other than ¹ ² ³ as ^n) or, failing that, printed as "?".
type pdfCanvas struct{ *vgpdf.Canvas }

// pdfSpell spells out the characters Windows-1252 lacks.
var pdfSpell = strings.NewReplacer("τ", "tau", "⁻", "^-", "⁰", "^0", "⁴", "^4", "⁵", "^5", "⁶", "^6", "⁷", "^7", "⁸", "^8",
	"⁹", "^9", "≥", ">=", "≤", "<=", "−", "-", "·", "·")

// FillString implements vg.Canvas.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	enc := encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder())
	if b, err := enc.String(pdfSpell.Replace(s)); err == nil {
		s = b
	}
	c.Canvas.FillString(f, pt, s)
}

// SetColor implements vg.Canvas. The PDF writer takes the red, green and
// blue of a translucent colour premultiplied by its alpha and then applies
// the alpha again, so that a light band would come out dark grey: it is
// given the colour's straight (not premultiplied) components.
func (c pdfCanvas) SetColor(clr color.Color) {
	if clr != nil {
		if n := color.NRGBAModel.Convert(clr).(color.NRGBA); n.A != 0xff {
			clr = straightAlpha(n)
		}
	}
	c.Canvas.SetColor(clr)
}

// straightAlpha is a colour whose RGBA method returns the straight
// components, for pdfCanvas.SetColor only.
type straightAlpha color.NRGBA

// RGBA returns the components of c, not premultiplied.
func (c straightAlpha) RGBA() (r, g, b, a uint32) {
	return uint32(c.R) * 0x101, uint32(c.G) * 0x101, uint32(c.B) * 0x101, uint32(c.A) * 0x101
}

// genericFonts adds fallbacks to the font families of an SVG document:
// viewers without Liberation Sans use Arial or Helvetica, which have the
// same metrics (Liberation Sans was drawn to match Arial), so the text
// keeps the width the layout measured; failing those, any sans-serif font.
func genericFonts(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
}

// Plots returns the panels of the figure, in order: time courses, fates,
// dose–response. The legend of the conditions, which Write draws once
// above the panels, is not in them.
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

// panel is a plot, the number of data series it draws and its kind;
// hill says whether a dose–response panel draws a Hill fit.
type panel struct {
	plot   *plot.Plot
	series int
	kind   string
	hill   bool
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
	want := func(k string) bool { return len(opts.Panels) == 0 || slices.Contains(opts.Panels, k) }
	var out []panel
	if want(Course) {
		obs := opts.Observables
		if len(obs) == 0 {
			obs = defaultObservables(ds)
		}
		for _, o := range obs {
			tmax := opts.TMax
			if tmax <= 0 && o == ds.Clearance {
				tmax = clearanceWindow(ds, o)
			}
			p, n, err := coursePlot(ds, o, tmax)
			if err != nil {
				return nil, err
			}
			out = append(out, panel{plot: p, series: n, kind: Course})
		}
	}
	if want(Fates) {
		p, ok := fatesPlot(ds)
		if ok {
			out = append(out, panel{plot: p, series: len(ds.Conditions), kind: Fates})
		} else if len(opts.Panels) > 0 {
			return nil, errors.New("figure: no fate fractions (frac_* summary columns, or released and transported/escaped time series) to plot")
		}
	}
	if want(Dose) {
		sw, isSweep := analysis.SweepOf(ds.ConditionNames())
		asked := slices.Contains(opts.Panels, Dose)
		switch {
		case isSweep && (asked || analysis.IsConcentration(sw.Unit)):
			qs := opts.DoseQuantities
			if len(qs) == 0 {
				if q := defaultDoseQuantity(ds); q != "" {
					qs = []string{q}
				}
			}
			for _, q := range qs {
				p, hill, err := dosePlot(ds, sw, q)
				if err != nil {
					return nil, err
				}
				out = append(out, panel{plot: p, series: 1, kind: Dose, hill: hill})
			}
		case asked:
			return nil, fmt.Errorf("figure: the conditions (%s) are not a sweep of one numeric key@value: no dose–response", strings.Join(ds.ConditionNames(), ", "))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("figure: nothing to plot")
	}
	return out, nil
}

// legend is the figure's one legend of the conditions: a colour swatch
// and a label each, in rows under the title.
type legend struct {
	labels []string
	colors []color.NRGBA
	band   bool   // swatches show a band behind the line (time courses)
	note   string // after the entries, e.g. "lines: mean; shaded: 95% CI"
	sty    draw.TextStyle
}

// figureLegend is the legend of the figure's panels: none for a single
// condition without time courses, nor when only dose–response panels
// (which have their own) are drawn.
func figureLegend(ds *analysis.Dataset, ps []panel) *legend {
	l := &legend{sty: draw.TextStyle{Color: color.Black, Font: font.From(sans, 11), XAlign: draw.XLeft, YAlign: draw.YCenter,
		Handler: plot.DefaultTextHandler}}
	shared := false
	for _, p := range ps {
		switch p.kind {
		case Course:
			l.band, shared = true, true
		case Fates:
			shared = true
		}
	}
	if !shared {
		return l
	}
	if l.band {
		l.note = "lines: mean over replicates; shaded: 95% CI"
	} else {
		l.note = "mean with 95% CI"
	}
	if len(ds.Conditions) == 1 {
		return l // the title names the one condition: the note alone
	}
	names := legendLabels(ds)
	for i, c := range ds.Conditions {
		l.labels = append(l.labels, names[c.Name])
		l.colors = append(l.colors, Palette[i%len(Palette)])
	}
	return l
}

// Legend geometry.
const (
	swatchW  = 0.32 * vg.Inch
	entryGap = 0.22 * vg.Inch
	legRowH  = 0.26 * vg.Inch
)

// entryWidth is the width of entry i (swatch, gap, text).
func (l *legend) entryWidth(i int) vg.Length {
	return swatchW + 0.06*vg.Inch + l.sty.Width(l.labels[i])
}

// layout places the entries in rows within width, the note last.
func (l *legend) layout(width vg.Length) [][]int {
	var rows [][]int
	x := vg.Length(0)
	margin := 0.3 * vg.Inch
	for i := range l.labels {
		w := l.entryWidth(i)
		if len(rows) == 0 || x+w > width-2*margin {
			rows = append(rows, nil)
			x = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		x += w + entryGap
	}
	return rows
}

// height is the room the legend takes in a figure of the given width.
func (l *legend) height(width vg.Length) vg.Length {
	switch {
	case len(l.labels) > 0:
		return vg.Length(len(l.layout(width))+1)*legRowH + 0.08*vg.Inch
	case l.note != "":
		return legRowH
	}
	return 0
}

// draw draws the legend, each row centred, the note in grey under them.
func (l *legend) draw(c draw.Canvas) {
	if len(l.labels) == 0 && l.note == "" {
		return
	}
	width := c.Max.X - c.Min.X
	rows := l.layout(width)
	y := c.Max.Y - legRowH/2
	for _, row := range rows {
		total := vg.Length(0)
		for k, i := range row {
			total += l.entryWidth(i)
			if k > 0 {
				total += entryGap
			}
		}
		x := c.Min.X + (width-total)/2
		for _, i := range row {
			col := l.colors[i]
			if l.band {
				h := 0.07 * vg.Inch
				c.FillPolygon(bandColor(col), []vg.Point{{X: x, Y: y - h}, {X: x + swatchW, Y: y - h}, {X: x + swatchW, Y: y + h}, {X: x, Y: y + h}})
				c.StrokeLine2(draw.LineStyle{Color: col, Width: vg.Points(2)}, x, y, x+swatchW, y)
			} else {
				r := 0.05 * vg.Inch
				c.StrokeLine2(draw.LineStyle{Color: col, Width: vg.Points(1.2)}, x+swatchW/2, y-2*r, x+swatchW/2, y+2*r)
				c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}, vg.Point{X: x + swatchW/2, Y: y})
			}
			c.FillText(l.sty, vg.Point{X: x + swatchW + 0.06*vg.Inch, Y: y}, l.labels[i])
			x += l.entryWidth(i) + entryGap
		}
		y -= legRowH
	}
	note := l.sty
	note.Color = color.Gray{Y: 90}
	note.Font.Size = 9.5
	note.XAlign = draw.XCenter
	c.FillText(note, vg.Point{X: c.Min.X + width/2, Y: y + 0.04*vg.Inch}, l.note)
}

// bandColor is the translucent fill of a confidence band: light enough
// that three or four overlapping bands stay readable, the lines on top.
func bandColor(c color.NRGBA) color.NRGBA { return color.NRGBA{c.R, c.G, c.B, 0x2c} }

// legendLabels are the condition labels: the dose with its unit for a
// sweep, else the names.
func legendLabels(ds *analysis.Dataset) map[string]string {
	out := map[string]string{}
	sw, ok := analysis.SweepOf(ds.ConditionNames())
	for _, c := range ds.Conditions {
		out[c.Name] = c.Name
		if ok {
			out[c.Name] = strings.TrimSpace(number(sw.Doses[c.Name]) + " " + analysis.PrettyUnit(analysis.DisplayUnit(sw.Unit)))
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

// defaultObservables picks the time-course panels: the clearance
// observable, the open receptors (occupancy columns named open_*), the
// largest current and transported (by role: a fate that is not
// "released"), at most 4. A current whose peak is under a tenth of the
// largest (a transporter current next to a receptor current) is left out:
// at that scale it is mostly noise.
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
		if len(out) < 4 && has(name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if ds.Clearance != "" {
		add(ds.Clearance)
	}
	c0 := ds.Conditions[0]
	for _, o := range c0.Observables {
		if analysis.RoleOf(o) == results.RoleOccupancy && (strings.HasPrefix(o.Name, "open_") || o.State == "open") {
			add(o.Name)
		}
	}
	var currents []string
	big := 0.0
	for _, o := range c0.Observables {
		if analysis.RoleOf(o) == results.RoleCurrent && has(o.Name) {
			currents = append(currents, o.Name)
			big = math.Max(big, peakMagnitude(ds, o.Name))
		}
	}
	for _, n := range currents {
		if peakMagnitude(ds, n) >= 0.1*big {
			add(n)
		}
	}
	for _, o := range c0.Observables {
		if analysis.RoleOf(o) == results.RoleFate && o.Name != "released" && (o.Name == "transported" || o.SiteType != "" || o.Role != "") {
			add(o.Name)
			break
		}
	}
	if len(out) == 0 {
		for _, o := range c0.Observables {
			add(o.Name)
		}
	}
	return out
}

// peakMagnitude is the largest |mean| of an observable's course over the
// conditions.
func peakMagnitude(ds *analysis.Dataset, name string) float64 {
	m := 0.0
	for _, c := range ds.Conditions {
		for _, v := range c.Courses[name].Mean {
			if !math.IsNaN(v) {
				m = math.Max(m, math.Abs(v))
			}
		}
	}
	return m
}

// defaultDoseQuantity picks the response of the dose–response panel: the
// first charge of the summary (by role; charge_fC in files without roles),
// else decay_tau_ms, a peak_open_* count, frac_transported, the first
// quantity.
func defaultDoseQuantity(ds *analysis.Dataset) string {
	c := ds.Conditions[0]
	for _, q := range c.Quantities {
		if q.Source == "summary" && q.Role == results.RoleCharge {
			return q.Name
		}
	}
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

// inRange drops the ticks of a Ticker that fall outside the axis, which
// would otherwise reserve room for labels that are not drawn.
type inRange struct{ plot.Ticker }

// Ticks implements plot.Ticker.
func (r inRange) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range r.Ticker.Ticks(min, max) {
		if t.Value >= min && t.Value <= max {
			out = append(out, t)
		}
	}
	return out
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

// yAxis is the y label of an observable's time course: what is counted
// and the unit, by role ("molecules", "open sites", "current (pA)").
func yAxis(col results.Column) string {
	u := analysis.PrettyUnit(col.Unit)
	switch analysis.RoleOf(col) {
	case results.RoleCount, results.RoleFate:
		if u == "" || u == "molecules" {
			return "molecules"
		}
	case results.RoleOccupancy:
		if u == "" || u == "sites" {
			return "sites"
		}
	case results.RoleCurrent:
		return analysis.AxisLabel("current", col.Unit)
	case results.RoleConcentration, results.RoleProbe:
		return analysis.AxisLabel("concentration", col.Unit)
	case results.RoleFraction:
		return "fraction"
	case results.RoleCharge:
		return analysis.AxisLabel("charge", col.Unit)
	}
	if u == "" {
		return analysis.LabelOf(col)
	}
	return u
}

// bounds are the values an observable can take: counts, occupancies,
// fates and concentrations are ≥ 0, fractions in [0, 1]; others are
// unbounded.
func bounds(role results.Role) (lo, hi float64) {
	switch role {
	case results.RoleCount, results.RoleOccupancy, results.RoleFate, results.RoleConcentration, results.RoleProbe:
		return 0, math.Inf(1)
	case results.RoleFraction:
		return 0, 1
	}
	return math.Inf(-1), math.Inf(1)
}

// clamp limits v to [lo, hi]; NaN stays NaN.
func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return math.Min(math.Max(v, lo), hi)
}

// coursePlot draws one observable's mean time course per condition with its
// 95% band, clipped to the values the observable can take. Every band is
// drawn before the lines, so that no band covers another condition's line.
func coursePlot(ds *analysis.Dataset, obs string, tmax float64) (*plot.Plot, int, error) {
	var col results.Column
	found := false
	for _, c := range ds.Conditions {
		if _, ok := c.Courses[obs]; !ok {
			continue
		}
		found = true
		if o, ok := c.Observable(obs); ok {
			col = o
		}
	}
	if !found {
		var present []string
		for _, o := range ds.Conditions[0].Observables {
			present = append(present, o.Name)
		}
		return nil, 0, fmt.Errorf("figure: no time course of %q (observables: %s)", obs, strings.Join(present, ", "))
	}
	if col.Name == "" {
		col.Name = obs
	}
	p := newPlot(analysis.LabelOf(col), "time (ms)", yAxis(col))
	lo, hi := bounds(analysis.RoleOf(col))
	var lines []*plotter.Line
	for i, c := range ds.Conditions {
		b, ok := c.Courses[obs]
		if !ok {
			continue
		}
		colr := Palette[i%len(Palette)]
		line, upper, lower := courseSeries(b, tmax, lo, hi)
		if len(upper) > 1 {
			ring := append(plotter.XYs(nil), upper...)
			for k := len(lower) - 1; k >= 0; k-- {
				ring = append(ring, lower[k])
			}
			p.Add(&band{ring: ring, color: bandColor(colr)})
		}
		l, err := plotter.NewLine(line)
		if err != nil {
			return nil, 0, err
		}
		l.LineStyle.Color = colr
		l.LineStyle.Width = vg.Points(1.5)
		lines = append(lines, l)
	}
	for _, l := range lines {
		p.Add(l)
	}
	return p, len(lines), nil
}

// band is a filled confidence band without an outline: a
// plotter.Polygon strokes its outline even at zero width, which PDF
// draws as a hairline, and many hairlines over a band turn it grey.
type band struct {
	ring  plotter.XYs
	color color.Color
}

// Plot implements plot.Plotter.
func (b *band) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	pts := make([]vg.Point, len(b.ring))
	for i, xy := range b.ring {
		pts[i] = vg.Point{X: trX(xy.X), Y: trY(xy.Y)}
	}
	c.FillPolygon(b.color, c.ClipPolygonXY(pts))
}

// DataRange implements plot.DataRanger.
func (b *band) DataRange() (xmin, xmax, ymin, ymax float64) {
	return plotter.XYRange(b.ring)
}

// courseSeries is the mean line of a band up to tmax (all when 0) and
// the ends of its band, clamped to [lo, hi].
func courseSeries(b analysis.Band, tmax, lo, hi float64) (line, upper, lower plotter.XYs) {
	for k := range b.T {
		if tmax > 0 && b.T[k] > tmax {
			break
		}
		line = append(line, plotter.XY{X: b.T[k], Y: b.Mean[k]})
		if !math.IsNaN(b.Lo[k]) && !math.IsNaN(b.Hi[k]) {
			upper = append(upper, plotter.XY{X: b.T[k], Y: clamp(b.Hi[k], lo, hi)})
			lower = append(lower, plotter.XY{X: b.T[k], Y: clamp(b.Lo[k], lo, hi)})
		}
	}
	return line, upper, lower
}

// fateName is the short name of a fate on the fates axis.
func fateName(q *analysis.Quantity) string {
	f := strings.TrimPrefix(q.Name, "frac_")
	switch f {
	case "transported":
		return "taken up"
	case "bound_end":
		return "bound at end"
	case "free_end":
		return "free at end"
	}
	return strings.ReplaceAll(f, "_", " ")
}

// fatesPlot draws the fractions of released molecules by fate: per fate,
// one point per condition (mean) with its 95% interval clipped to [0, 1].
// When the fractions span more than a decade the axis is logarithmic, so
// that a fate of 1% shows next to one of 90%.
func fatesPlot(ds *analysis.Dataset) (*plot.Plot, bool) {
	var fates []string
	var names []string
	for _, c := range ds.Conditions {
		for _, q := range c.Quantities {
			if analysis.RoleOf(results.Column{Name: q.Name, Unit: q.Unit, Role: q.Role}) == results.RoleFraction &&
				strings.HasPrefix(q.Name, "frac_") && !slices.Contains(fates, q.Name) {
				fates = append(fates, q.Name)
				names = append(names, fateName(q))
			}
		}
	}
	// Leave out fates that are zero everywhere.
	var keptF, keptN []string
	for k, f := range fates {
		for _, c := range ds.Conditions {
			if q := c.Quantity(f); q != nil && analysis.Describe(q.Values).Max != 0 {
				keptF, keptN = append(keptF, f), append(keptN, names[k])
				break
			}
		}
	}
	fates, names = keptF, keptN
	if len(fates) == 0 {
		return nil, false
	}
	d := &dots{categories: len(fates)}
	minPos, maxV := math.Inf(1), 0.0
	for i, c := range ds.Conditions {
		s := dotSeries{color: Palette[i%len(Palette)]}
		for _, f := range fates {
			v := analysis.Summary{Mean: math.NaN(), CI95: [2]float64{math.NaN(), math.NaN()}}
			if q := c.Quantity(f); q != nil {
				v = analysis.Describe(q.Values)
			}
			s.mean = append(s.mean, v.Mean)
			s.lo = append(s.lo, clamp(v.CI95[0], 0, 1))
			s.hi = append(s.hi, clamp(v.CI95[1], 0, 1))
			if v.Mean > 0 {
				minPos = math.Min(minPos, v.Mean)
			}
			maxV = math.Max(maxV, v.Mean)
		}
		d.series = append(d.series, s)
	}
	p := newPlot("fate of released molecules", "", "fraction")
	p.Add(d)
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = 10.5
	if maxV > 10*minPos {
		d.log = true
		d.floor = math.Pow(10, math.Floor(math.Log10(minPos))-0.3)
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = inRange{plot.LogTicks{Prec: -1}}
		p.Y.Min, p.Y.Max = d.floor, math.Min(1.5, math.Pow(10, math.Ceil(math.Log10(maxV)+0.05)))
	} else {
		p.Y.Min = 0
	}
	return p, true
}

// dosePlot draws one quantity against the dose of a sweep: mean ± 95% CI
// per dose, and the Hill fit when the dose is a concentration and there is
// one (a Hill curve of a diffusion coefficient means nothing).
func dosePlot(ds *analysis.Dataset, sw *analysis.Sweep, quantity string) (*plot.Plot, bool, error) {
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
		return nil, false, fmt.Errorf("figure: no dose–response of %q: missing or constant (quantities: %s)", quantity, strings.Join(present, ", "))
	}
	unit := analysis.PrettyUnit(analysis.DisplayUnit(sw.Unit))
	label, ylabel := quantity, analysis.AxisLabel(quantity, fit.Unit)
	if q := ds.Conditions[0].Quantity(quantity); q != nil {
		if q.Label != "" {
			label = q.Label
		}
		// The title names the quantity; the axis says what it counts, in
		// which unit (a long rotated label would squeeze the panel).
		ylabel = yAxis(results.Column{Name: q.Name, Unit: q.Unit, Role: q.Role, Label: label})
	}
	key := sweepLabel(sw.Key)
	p := newPlot(label+" against "+key, analysis.AxisLabel(key, analysis.DisplayUnit(sw.Unit)), ylabel)
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
	// With standard errors the curve is identified; a Hill curve only
	// describes a concentration.
	fitted := fit.Err == nil && analysis.IsConcentration(analysis.DisplayUnit(sw.Unit))
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
			return nil, false, err
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
			return nil, false, err
		}
		l.LineStyle.Color = col
		l.LineStyle.Width = vg.Points(1)
		l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
	}
	eb, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return nil, false, err
	}
	eb.LineStyle.Color = col
	eb.LineStyle.Width = vg.Points(1.2)
	eb.CapWidth = vg.Points(6)
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, false, err
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
	return p, fitted, nil
}

// sweepLabel names a swept model value for an axis: "drugs.cocaine.concentration"
// becomes "cocaine concentration", "species.glu.D" "glu D".
func sweepLabel(key string) string {
	parts := strings.Split(key, ".")
	if len(parts) > 1 && (parts[0] == "drugs" || parts[0] == "species" || parts[0] == "sites" || parts[0] == "run") {
		parts = parts[1:]
	}
	return strings.Join(parts, " ")
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

// dotSeries is one condition of a dot chart.
type dotSeries struct {
	color        color.Color
	mean, lo, hi []float64
}

// dots is a grouped dot chart with confidence intervals: category i is
// centred on x = i, with one point and whisker per series side by side.
// On a log axis (log) values at or below floor are drawn at floor.
type dots struct {
	categories int
	series     []dotSeries
	log        bool
	floor      float64
}

// Plot implements plot.Plotter.
func (d *dots) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	k := float64(len(d.series))
	group := 0.7
	w := group / k
	y := func(v float64) vg.Length {
		if d.log {
			v = math.Max(v, d.floor)
		}
		return trY(v)
	}
	for j, s := range d.series {
		ls := draw.LineStyle{Color: s.color, Width: vg.Points(1.4)}
		for i := range s.mean {
			if math.IsNaN(s.mean[i]) || (d.log && s.mean[i] <= 0) {
				continue
			}
			x := trX(float64(i) - group/2 + (float64(j)+0.5)*w)
			if !math.IsNaN(s.lo[i]) && !math.IsNaN(s.hi[i]) {
				cap := vg.Points(3)
				lo, hi := y(s.lo[i]), y(s.hi[i])
				c.StrokeLines(ls, c.ClipLinesY([]vg.Point{{X: x, Y: lo}, {X: x, Y: hi}})...)
				c.StrokeLines(ls, c.ClipLinesY([]vg.Point{{X: x - cap, Y: lo}, {X: x + cap, Y: lo}})...)
				c.StrokeLines(ls, c.ClipLinesY([]vg.Point{{X: x - cap, Y: hi}, {X: x + cap, Y: hi}})...)
			}
			c.DrawGlyph(draw.GlyphStyle{Color: s.color, Radius: vg.Points(3.5), Shape: draw.CircleGlyph{}}, vg.Point{X: x, Y: y(s.mean[i])})
		}
	}
}

// DataRange implements plot.DataRanger.
func (d *dots) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = -0.5, float64(d.categories)-0.5
	ymin, ymax = 0, 0
	if d.log {
		ymin = d.floor
	}
	for _, s := range d.series {
		for i := range s.mean {
			for _, v := range []float64{s.mean[i], s.hi[i], s.lo[i]} {
				if !math.IsNaN(v) && (!d.log || v > 0) {
					ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
				}
			}
		}
	}
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
