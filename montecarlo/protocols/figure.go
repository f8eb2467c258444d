package protocols

import (
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/reuptake/reuptake/agents/transporters"
)

func newPanel(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 11
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 10
		a.Tick.Label.Font.Size = 9
	}
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = color.Gray{Y: 225}, color.Gray{Y: 225}
	p.Add(g)
	p.Legend.TextStyle.Font.Size = 8
	p.Legend.Top = true
	return p
}

// Figure draws one panel per protocol (PNG): (a) uptake against substrate
// with the exact curve, (b) mean pulse response per transporter (the exact
// master-equation curve dashed), (c) paired-pulse recovery with the exact
// ratios, (d) apparent Km with cocaine against Km(1 + I/Ki), (e) the fate
// of the released transmitter at 5 ms in the preset synapse.
func (res *Result) Figure(w io.Writer) error {
	models := res.models()
	colour := map[string]color.Color{}
	for i, m := range models {
		colour[m] = palette[i%len(palette)]
	}
	var panels []*plot.Plot
	// (a) uptake.
	pa := newPanel("(a) steady-state uptake", "substrate (µM)", "uptake per transporter (/s)")
	for _, m := range models {
		var xs plotter.XYs
		var ex plotter.XYs
		for _, f := range res.Fits {
			if f.Model != m || f.Protocol != Uptake {
				continue
			}
			for _, u := range res.Uptake {
				if u.Model == m && u.Protocol == Uptake && u.Replicate == 0 {
					xs = append(xs, plotter.XY{X: u.ConcUM, Y: meanRate(res, m, u.ConcUM)})
				}
			}
			for k := 0; k <= 40; k++ {
				s := f.KmExact * math.Pow(10, -1.2+2.4*float64(k)/40)
				ex = append(ex, plotter.XY{X: s, Y: f.VmaxExact * s / (f.KmExact + s)})
			}
		}
		if len(xs) == 0 {
			continue
		}
		addSimulatedExact(pa, xs, ex, colour[m])
	}
	panels = append(panels, pa)
	// (b) pulse response, normalised to the exact peak.
	pb := newPanel("(b) 1 ms pulse: transporter current", "time (ms)", "current / exact peak")
	for _, m := range models {
		var xs, ex plotter.XYs
		var pk float64
		for _, j := range res.JumpStats {
			if j.Model == m && j.Kind == "pulse" {
				pk = j.PeakExact
			}
		}
		for _, j := range res.Jump {
			if j.Model == m && j.Kind == "pulse" && j.Signal == "current" && pk > 0 && j.TMS <= 10 {
				xs = append(xs, plotter.XY{X: j.TMS, Y: j.Mean / pk})
				ex = append(ex, plotter.XY{X: j.TMS, Y: j.Exact / pk})
			}
		}
		if len(xs) == 0 {
			continue
		}
		l1, _ := plotter.NewLine(xs)
		l1.Color = colour[m]
		l2, _ := plotter.NewLine(ex)
		l2.Color, l2.Dashes, l2.Width = color.Black, []vg.Length{vg.Points(2), vg.Points(2)}, vg.Points(0.6)
		pb.Add(l1, l2)
	}
	panels = append(panels, pb)
	// (c) recovery.
	pc := newPanel("(c) paired pulses: recovery", "interval (ms)", "binding in pulse 2 / pulse 1")
	for _, m := range models {
		var xs, ex plotter.XYs
		for _, p := range res.Pairs {
			if p.Model == m {
				xs = append(xs, plotter.XY{X: p.IntervalMS, Y: p.Ratio})
				ex = append(ex, plotter.XY{X: p.IntervalMS, Y: p.Exact})
			}
		}
		if len(xs) == 0 {
			continue
		}
		addSimulatedExact(pc, xs, ex, colour[m])
	}
	panels = append(panels, pc)
	// (d) inhibitor: Km_app / Km, simulated (bars) and Km(1+I/Ki) (line).
	pd := newPanel("(d) cocaine at 2 Ki: apparent Km", "", "Km_app / Km")
	var vals plotter.Values
	var names []string
	var texts plotter.XYs
	for _, f := range res.Fits {
		if f.Protocol != Inhibitor {
			continue
		}
		var km float64
		for _, g := range res.Fits {
			if g.Model == f.Model && g.Protocol == Uptake {
				km = g.KmExact
			}
		}
		if km == 0 {
			d, err := derivedOf(f.Model)
			if err != nil {
				continue
			}
			km = d.KmUM
		}
		vals = append(vals, f.KmUM/km)
		names = append(names, f.Model)
		texts = append(texts, plotter.XY{X: float64(len(names) - 1), Y: f.KmTextbook / km})
	}
	if len(vals) > 0 {
		b, _ := plotter.NewBarChart(vals, vg.Points(14))
		b.Color = color.RGBA{R: 90, G: 130, B: 200, A: 255}
		sc, _ := plotter.NewScatter(texts)
		sc.Shape = draw.CrossGlyph{}
		sc.GlyphStyle.Radius = vg.Points(4)
		pd.Add(b, sc)
		pd.NominalX(names...)
		pd.X.Tick.Label.Rotation = 0.5
		pd.X.Tick.Label.XAlign, pd.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
		pd.Legend.Add("simulated", b)
		pd.Legend.Add("Km(1+I/Ki)", sc)
		pd.Y.Min, pd.Y.Max = 0, 4
		panels = append(panels, pd) // only models with a competitive inhibitor in the drug table
	}
	// (e) synapse fates at 5 ms.
	pe := newPanel("(e) synapse: fate at 5 ms", "", "% of released")
	if len(res.Synapse) > 0 {
		var taken, buf, esc plotter.Values
		var names []string
		for _, s := range res.Synapse {
			taken, buf, esc = append(taken, 100*s.Taken5), append(buf, 100*s.Buffered5), append(esc, 100*s.Escaped5)
			names = append(names, s.Model)
		}
		w := vg.Points(8)
		for i, v := range []struct {
			vals plotter.Values
			name string
		}{{taken, "taken up"}, {buf, "bound to transporters"}, {esc, "escaped"}} {
			b, _ := plotter.NewBarChart(v.vals, w)
			b.Color = plotutil.Color(i + 3)
			b.Offset = vg.Length(i-1) * w
			pe.Add(b)
			pe.Legend.Add(v.name, b)
		}
		pe.NominalX(names...)
		pe.Y.Min, pe.Y.Max = 0, 125
		pe.X.Tick.Label.Rotation = 0.5
		pe.X.Tick.Label.XAlign, pe.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	panels = append(panels, pe)
	// Legend panel: model colours.
	pl := newPanel("models", "", "")
	pl.HideAxes()
	for _, m := range models {
		ln, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}})
		ln.Color = colour[m]
		ln.Width = vg.Points(2)
		pl.Legend.Add(m, ln)
	}
	pl.Legend.Left, pl.Legend.Top = true, true
	pl.Legend.TextStyle.Font.Size = 10
	panels = append(panels, pl)

	const rows, cols = 2, 3
	pw, ph := 4.2*vg.Inch, 3.4*vg.Inch
	c := vgimg.NewWith(vgimg.UseWH(cols*pw, rows*ph), vgimg.UseDPI(110), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for k := range grid[r] {
			if i := r*cols + k; i < len(panels) {
				grid[r][k] = panels[i]
			}
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 0.2 * vg.Inch, PadY: 0.2 * vg.Inch, PadTop: 0.1 * vg.Inch,
		PadBottom: 0.1 * vg.Inch, PadLeft: 0.1 * vg.Inch, PadRight: 0.2 * vg.Inch}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for k, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][k])
			}
		}
	}
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// palette is the ten-colour Tableau scheme: distinct for up to ten models.
var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255},
}

func meanRate(res *Result, m string, conc float64) float64 {
	s, n := 0.0, 0
	for _, u := range res.Uptake {
		if u.Model == m && u.Protocol == Uptake && u.ConcUM == conc {
			s += u.RatePerS
			n++
		}
	}
	return s / float64(n)
}

func derivedOf(name string) (transporters.Derived, error) {
	m, err := transporters.Lookup(name)
	if err != nil {
		return transporters.Derived{}, err
	}
	return transporters.Derive(m.Scheme, m.Substrate)
}

// addSimulatedExact draws simulated points and the exact curve of one
// model in its colour on a panel with a logarithmic x axis.
func addSimulatedExact(p *plot.Plot, sim, exact plotter.XYs, c color.Color) {
	sc, _ := plotter.NewScatter(sim)
	sc.Color = c
	sc.GlyphStyle.Radius = vg.Points(2.5)
	ln, _ := plotter.NewLine(exact)
	ln.Color = c
	p.Add(sc, ln)
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
}
