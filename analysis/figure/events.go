package figure

import (
	"fmt"
	"io"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/reuptake/reuptake/analysis"
)

// Panels drawn from the events table (mc plot --panels survival,uptake).
const (
	Survival = "survival" // fraction of released molecules not yet bound, taken up, escaped
	Uptake   = "uptake"   // histogram of the distance of each uptake from its release point
)

// EventPlots returns the event panels asked for (Survival, Uptake; both
// when panels is empty), one line per condition.
func EventPlots(data []analysis.EventSummary, panels []string) ([]*plot.Plot, error) {
	if len(panels) == 0 {
		panels = []string{Survival, Uptake}
	}
	var out []*plot.Plot
	for _, p := range panels {
		switch p {
		case Survival:
			for _, pass := range []struct {
				name string
				get  func(analysis.EventSummary) []float64
			}{
				{"not yet bound", func(s analysis.EventSummary) []float64 { return s.FirstBind }},
				{"not yet taken up", func(s analysis.EventSummary) []float64 { return s.Uptake }},
				{"not yet escaped", func(s analysis.EventSummary) []float64 { return s.Escape }},
			} {
				pl := newPlot("Molecules "+pass.name, "time since release (ms)", "fraction of released")
				pl.Y.Min, pl.Y.Max = 0, 1
				for i, s := range data {
					if err := addSurvival(pl, s, pass.get(s), i, len(data) > 1); err != nil {
						return nil, err
					}
				}
				out = append(out, pl)
			}
		case Uptake:
			pl := newPlot("Where uptake happens", "distance from the release point (µm)", "uptakes per released molecule per µm")
			for i, s := range data {
				if len(s.UptakeDistance) == 0 {
					continue
				}
				if err := addHistogram(pl, s, i, len(data) > 1); err != nil {
					return nil, err
				}
			}
			out = append(out, pl)
		default:
			return nil, fmt.Errorf("figure: unknown event panel %q (want %s or %s)", p, Survival, Uptake)
		}
	}
	return out, nil
}

// addSurvival draws S(t) = 1 − (molecules reached by t)/released as a
// step line.
func addSurvival(pl *plot.Plot, s analysis.EventSummary, times []float64, i int, legend bool) error {
	ts := append([]float64(nil), times...)
	sort.Float64s(ts)
	n := float64(max(s.Released, 1))
	end := s.Duration
	if len(ts) > 0 && ts[len(ts)-1] > end {
		end = ts[len(ts)-1]
	}
	xy := plotter.XYs{{X: 0, Y: 1}}
	for k, t := range ts {
		xy = append(xy, plotter.XY{X: t, Y: 1 - float64(k)/n}, plotter.XY{X: t, Y: 1 - float64(k+1)/n})
	}
	xy = append(xy, plotter.XY{X: end, Y: 1 - float64(len(ts))/n})
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color = Palette[i%len(Palette)]
	l.Width = vg.Points(1.5)
	pl.Add(l)
	if legend {
		pl.Legend.Add(s.Condition, l)
	}
	return nil
}

// addHistogram draws the uptake distances as a density per released
// molecule (a step outline, 30 bins).
func addHistogram(pl *plot.Plot, s analysis.EventSummary, i int, legend bool) error {
	d := s.UptakeDistance
	hi := 0.0
	for _, x := range d {
		hi = math.Max(hi, x)
	}
	const bins = 30
	w := hi / bins
	if w == 0 {
		w = 1
	}
	counts := make([]float64, bins)
	for _, x := range d {
		counts[min(int(x/w), bins-1)]++
	}
	n := float64(max(s.Released, 1))
	xy := plotter.XYs{{X: 0, Y: 0}}
	for b, c := range counts {
		y := c / n / w
		xy = append(xy, plotter.XY{X: float64(b) * w, Y: y}, plotter.XY{X: float64(b+1) * w, Y: y})
	}
	xy = append(xy, plotter.XY{X: bins * w, Y: 0})
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color = Palette[i%len(Palette)]
	l.Width = vg.Points(1.5)
	pl.Add(l)
	if legend {
		pl.Legend.Add(s.Condition, l)
	}
	return nil
}

// SaveEvents draws the event panels into path (.png, .svg or .pdf).
func SaveEvents(data []analysis.EventSummary, path string, panels []string, opts Options) error {
	return save(path, func(w io.Writer, format string) error { return WriteEvents(w, format, data, panels, opts) })
}

// WriteEvents draws the event panels to w in format.
func WriteEvents(w io.Writer, format string, data []analysis.EventSummary, panels []string, opts Options) error {
	plots, err := EventPlots(data, panels)
	if err != nil {
		return err
	}
	return writePlots(w, format, plots, opts)
}
