package protocols

import (
	"fmt"
	"math"
	"strings"

	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// synapseSetup says where a family's models are compared: the preset, the
// site whose model is swapped, the receptor column whose peak is reported
// and the run length.
type synapseSetup struct {
	preset, site, receptor string
	duration               float64  // ms
	quick                  []string // overrides that make the synapse cheaper for --quick
}

// SynapsePreset returns the preset a family is benchmarked in, or "" when
// there is none (SERT: the serotonin preset is volume transmission over a
// second, with no cleft to clear; NET: no noradrenergic preset).
func SynapsePreset(family string) string { return synapseSetups[family].preset }

var synapseSetups = map[string]synapseSetup{
	transporters.GLT1:  {"glutamate-ca1", "glt1", "open_ampa", 5, nil},
	transporters.EAAC1: {"glutamate-ca1", "glt1", "open_ampa", 5, nil},
	// --quick: a 2 × 2 × 1.2 µm block of striatum instead of 3 × 3 × 2 µm
	// (no room for the 1 µm spillover probe).
	transporters.DAT: {"dopamine-striatum", "dat", "bound_d1", 5, []string{"geometry.half_width=1 um", "geometry.half_height=0.6 um"}},
}

// spillRadius is the radius (µm) of the probes of spillover concentration.
const spillRadius = 0.1

func (res *Result) synapse(cfg Config, m transporters.Model, d transporters.Derived) error {
	su, ok := synapseSetups[m.Family]
	if ok && cfg.Neuropil && su.preset == "glutamate-ca1" {
		su.preset = "glutamate-ca1-neuropil"
	}
	if !ok {
		res.Skipped = append(res.Skipped, fmt.Sprintf("%s: synapse: no synaptic preset for %s (the serotonin preset is volume transmission over seconds)", m.Name, m.Family))
		return nil
	}
	data, err := modelfile.Preset(su.preset)
	if err != nil {
		return err
	}
	ov := []string{"sites." + su.site + ".model=" + m.Name, fmt.Sprintf("run.duration=%g ms", su.duration)}
	if cfg.Quick {
		ov = append(ov, su.quick...)
	}
	spec, err := modelfile.ParseWithOverrides(su.preset+".yaml", data, ov)
	if err != nil {
		return err
	}
	sp := spec.Species[0].Name
	row := SynapseRow{Model: m.Name, Preset: su.preset, DurationMS: su.duration}
	// Spillover probes in the cleft plane, where the domain reaches them.
	hw := spec.Geometry.Cleft.HalfWidth
	var notes []string
	var probes []string
	for _, r := range []float64{0.5, 1} {
		name := fmt.Sprintf("spill_%gum", r)
		if r+spillRadius > hw {
			notes = append(notes, fmt.Sprintf("no spillover probe at %g µm: the %s domain ends %g µm from the axis", r, su.preset, hw))
			probes = append(probes, "")
			continue
		}
		spec.Observables = append(spec.Observables, montecarlo.ObservableSpec{Kind: "concentration_at", Name: name, Species: sp,
			At: [3]float64{r, 0, 0}, Radius: spillRadius})
		probes = append(probes, name)
	}
	mod, err := montecarlo.NewModel(spec)
	if err != nil {
		return err
	}
	reps := cfg.reps()
	if cfg.Quick && cfg.Replicates == 0 {
		reps = 2
	}
	rs, err := runAll(cfg, mod, reps)
	if err != nil {
		return err
	}
	row.Replicates = int64(len(rs))
	col := func(n string) int { return mod.Column(n) }
	rel, tr, esc, bnd := col("released"), col("transported"), col("escaped"), col("bound_"+su.site)
	recep := col(su.receptor)
	tau := -1
	for i, c := range mod.SummaryColumns() {
		if c.Name == "decay_tau_ms" {
			tau = i
		}
	}
	at := func(r montecarlo.Replicate, t float64) []float64 {
		best := 0
		for i, x := range r.T {
			if math.Abs(x-t) < math.Abs(r.T[best]-t) {
				best = i
			}
		}
		return r.Rows[best]
	}
	var taus, t1, b1, e1, t5, b5, e5, peaks, s05, s1 []float64
	for _, r := range rs {
		if tau >= 0 {
			taus = append(taus, r.Summary[tau])
		}
		frac := func(t float64, c int) float64 {
			row := at(r, t)
			if c < 0 || row[rel] == 0 {
				return math.NaN()
			}
			return row[c] / row[rel]
		}
		t1, b1, e1 = append(t1, frac(1, tr)), append(b1, frac(1, bnd)), append(e1, frac(1, esc))
		t5, b5, e5 = append(t5, frac(5, tr)), append(b5, frac(5, bnd)), append(e5, frac(5, esc))
		mx := func(c int) float64 {
			if c < 0 {
				return math.NaN()
			}
			v := math.Inf(-1)
			for _, row := range r.Rows {
				v = math.Max(v, row[c])
			}
			return v
		}
		peaks = append(peaks, mx(recep))
		if probes[0] != "" {
			s05 = append(s05, mx(col(probes[0])))
		}
		if probes[1] != "" {
			s1 = append(s1, mx(col(probes[1])))
		}
	}
	mean := func(x []float64) float64 { v, _, _ := meanCI(x); return v }
	row.DecayTauMS, row.DecayTauSE, _ = meanCI(taus)
	row.Taken1, row.Buffered1, row.Escaped1 = mean(t1), mean(b1), mean(e1)
	row.Taken5, row.Buffered5, row.Escaped5 = mean(t5), mean(b5), mean(e5)
	_, row.Taken5SE, _ = meanCI(t5)
	row.PeakOpen, row.PeakOpenSE, _ = meanCI(peaks)
	row.Spill05, row.Spill1 = math.NaN(), math.NaN()
	if len(s05) > 0 {
		row.Spill05, row.Spill05SE, _ = meanCI(s05)
	}
	if len(s1) > 0 {
		row.Spill1, row.Spill1SE, _ = meanCI(s1)
	}
	row.Observation = strings.Join(notes, "; ")
	res.Synapse = append(res.Synapse, row)
	return nil
}
