package modelfile

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

// trainModel is a coarse box with one release whose train is TRAIN; the
// molecules barely move, so a replicate is cheap.
const trainModel = `name: train
geometry:
  kind: box
  voxel: 1 um
  size: [4 um, 4 um, 4 um]
species:
  - name: da
    D: 0.01 um^2/ms
release:
  - species: da
    at: [2 um, 2 um, 2 um]
    train: TRAIN
    molecules: 10
    probability: 0.3
run:
  dt: 10 ms
  duration: 4000 ms
  sample_interval: 1000 ms
`

func trainText(train string) string { return strings.Replace(trainModel, "TRAIN", train, 1) }

// TestTrainPatterns decodes trains with bursts and pauses to their exact
// spike times (agents.Pattern), in flow and block style and through
// overrides.
func TestTrainPatterns(t *testing.T) {
	block := `
      start: 0 ms
      frequency: 4 Hz
      count: 16
      bursts:
        - at: 1 s
          spikes: 5
          frequency: 20 Hz
      pauses:
        - {from: 2000 ms, to: 2.5 s}`
	dopamine := []float64{0, 250, 500, 750, 1000, 1050, 1100, 1150, 1200, 1250, 1500, 1750, 2500, 2750, 3000, 3250, 3500, 3750}
	for _, tc := range []struct {
		name      string
		train     string
		overrides []string
		want      []float64
	}{
		{"old syntax", "{start: 10 ms, frequency: 20 Hz, count: 3}", nil, []float64{10, 60, 110}},
		{"flow", "{start: 0 ms, frequency: 4 Hz, count: 16, bursts: [{at: 1000 ms, spikes: 5, frequency: 20 Hz}], pauses: [{from: 2000 ms, to: 2500 ms}]}", nil, dopamine},
		{"block", block, nil, dopamine},
		{"bursts only", "{bursts: [{at: 10 ms, spikes: 3, frequency: 100 Hz}, {at: 1 s, spikes: 2, frequency: 25 Hz}]}", nil, []float64{10, 20, 30, 1000, 1040}},
		{"override a burst", block, []string{"release[0].train.bursts[0].at=1100 ms"},
			[]float64{0, 250, 500, 750, 1000, 1100, 1150, 1200, 1250, 1300, 1500, 1750, 2500, 2750, 3000, 3250, 3500, 3750}},
		{"override adds a pause", "{frequency: 4 Hz, count: 8}", []string{"release[0].train.pauses=[{from: 1 s, to: 1.5 s}]"},
			[]float64{0, 250, 500, 750, 1500, 1750}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseWithOverrides("m.yaml", []byte(trainText(tc.train)), tc.overrides)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Releases[0].Times; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("times\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestTrainPatternErrors: mistakes in bursts and pauses are reported at
// their file position, naming the field and the unit.
func TestTrainPatternErrors(t *testing.T) {
	for _, tc := range []struct {
		name, train, needle, path string
		want                      []string
	}{
		{"burst without unit", "{frequency: 4 Hz, count: 8, bursts: [{at: 1000, spikes: 5, frequency: 20 Hz}]}", "1000,",
			"release[0].train.bursts[0].at", []string{"no unit", "time"}},
		{"burst frequency in ms", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, spikes: 5, frequency: 20 ms}]}", "20 ms",
			"release[0].train.bursts[0].frequency", []string{"frequency"}},
		{"burst missing spikes", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, frequency: 20 Hz}]}", "{at: 1 s",
			"release[0].train.bursts[0].spikes", []string{"is required"}},
		{"burst field typo", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, spike: 5, frequency: 20 Hz}]}", "spike:",
			"release[0].train.bursts[0].spike", []string{`did you mean "spikes"`}},
		{"fractional spikes", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, spikes: 2.5, frequency: 20 Hz}]}", "2.5",
			"release[0].train.bursts[0].spikes", []string{"whole number"}},
		{"bursts out of order", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, spikes: 3, frequency: 20 Hz}, {at: 500 ms, spikes: 3, frequency: 20 Hz}]}", "500 ms",
			"release[0].train.bursts[1].at", []string{"time order", "500 ms", "1000 ms"}},
		{"overlapping bursts", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, spikes: 5, frequency: 20 Hz}, {at: 1150 ms, spikes: 3, frequency: 20 Hz}]}", "1150 ms",
			"release[0].train.bursts[1].at", []string{"overlaps bursts[0]", "from 1000 ms to 1200 ms"}},
		{"pause ends first", "{frequency: 4 Hz, count: 8, pauses: [{from: 1 s, to: 500 ms}]}", "500 ms",
			"release[0].train.pauses[0].to", []string{"after from (1000 ms)", "500 ms"}},
		{"overlapping pauses", "{frequency: 4 Hz, count: 8, pauses: [{from: 100 ms, to: 600 ms}, {from: 500 ms, to: 700 ms}]}", "500 ms",
			"release[0].train.pauses[1].from", []string{"inside pauses[0]"}},
		{"burst in a pause", "{frequency: 4 Hz, count: 8, bursts: [{at: 1 s, spikes: 5, frequency: 20 Hz}], pauses: [{from: 1.1 s, to: 1.5 s}]}", "1 s,",
			"release[0].train.bursts[0].at", []string{"overlaps pauses[0]", "1100 ms"}},
		{"pause removes everything", "{frequency: 4 Hz, count: 4, pauses: [{from: 0 ms, to: 1 s}]}", "[{from",
			"release[0].train.pauses", []string{"every action potential"}},
		{"tonic half given", "{frequency: 4 Hz, bursts: [{at: 1 s, spikes: 5, frequency: 20 Hz}]}", "{frequency",
			"release[0].train.count", []string{"is required"}},
		{"pause not a list", "{frequency: 4 Hz, count: 4, pauses: {from: 0 ms, to: 1 s}}", "{from",
			"release[0].train.pauses", []string{"must be a list"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := trainText(tc.train)
			_, _, err := Parse("m.yaml", []byte(text))
			if err == nil {
				t.Fatal("no error")
			}
			line, col := where(t, text, "train:", tc.needle)
			prefix := fmt.Sprintf("m.yaml:%d:%d: %s: ", line, col, tc.path)
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("got  %q\nwant prefix %q", err, prefix)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestTrainReleaseStatistics runs a tonic + burst + pause train through
// Load and the engine: the total released count of a replicate is
// N·Binomial(n_spikes, p_r), so its mean over replicates must be
// N·p_r·n_spikes, within |z| < 4 of the sample standard error. Both the
// single-point release and the queued (fusion-pore) path are checked.
func TestTrainReleaseStatistics(t *testing.T) {
	const (
		n    = 10  // molecules per event
		pr   = 0.3 // release probability
		reps = 400
	)
	train := "{start: 0 ms, frequency: 4 Hz, count: 16, bursts: [{at: 1000 ms, spikes: 5, frequency: 20 Hz}], pauses: [{from: 2000 ms, to: 2500 ms}]}"
	for _, tc := range []struct{ name, extra string }{
		{"point", ""},
		{"pore", "    pore: {duration: 5 ms}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(trainText(train), "    probability: 0.3\n", "    probability: 0.3\n"+tc.extra, 1)
			m, err := LoadBytes("m.yaml", []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			spikes := len(m.Spec.Releases[0].Times)
			if spikes != 18 {
				t.Fatalf("%d spikes, want 18", spikes)
			}
			col := m.Column("released")
			idx := make([]int, reps)
			for i := range idx {
				idx[i] = i
			}
			var sum, sum2 float64
			err = montecarlo.Runner{}.Run(context.Background(), m, 11, idx, func(r montecarlo.Replicate) error {
				x := r.Rows[len(r.Rows)-1][col]
				sum += x
				sum2 += x * x
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			mean := sum / reps
			se := math.Sqrt((sum2/reps - mean*mean) * reps / (reps - 1) / reps)
			want := n * pr * float64(spikes)
			z := (mean - want) / se
			t.Logf("released: mean %.3f ± %.3f (SE), N·p·n = %.3f, z = %.2f (binomial SE %.3f)", mean, se, want, z,
				n*math.Sqrt(float64(spikes)*pr*(1-pr)/reps))
			if math.Abs(z) >= 4 {
				t.Errorf("mean released %.3f ± %.3f, want %.3f (z = %.2f)", mean, se, want, z)
			}
		})
	}
}
