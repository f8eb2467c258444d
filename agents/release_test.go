package agents

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestPatternTimes checks the generated spike times exactly: tonic firing,
// bursts replacing the tonic spikes within their span, pauses [from, to)
// dropping spikes, and their combinations.
func TestPatternTimes(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Pattern
		want []float64
	}{
		{"tonic as Train", Pattern{Start: 5, FrequencyHz: 4, Count: 4},
			[]float64{5, 255, 505, 755}},
		{"tonic 3 Hz is exact", Pattern{FrequencyHz: 3, Count: 4},
			[]float64{0, 1000.0 / 3, 2000.0 / 3, 1000}},
		{"burst between tonic spikes", Pattern{FrequencyHz: 4, Count: 6, Bursts: []Burst{{At: 1100, Spikes: 3, FrequencyHz: 20}}},
			// Tonic 0 250 500 750 1000 1250; the burst spans 1100–1200.
			[]float64{0, 250, 500, 750, 1000, 1100, 1150, 1200, 1250}},
		{"burst replaces the tonic spikes it spans", Pattern{FrequencyHz: 4, Count: 8, Bursts: []Burst{{At: 1000, Spikes: 5, FrequencyHz: 20}}},
			// The burst spans 1000–1200 ms: it replaces the tonic spike
			// at 1000 ms (its first spike), not the one at 1250 ms.
			[]float64{0, 250, 500, 750, 1000, 1050, 1100, 1150, 1200, 1250, 1500, 1750}},
		{"burst spanning a tonic spike at its end", Pattern{FrequencyHz: 4, Count: 3, Bursts: []Burst{{At: 400, Spikes: 3, FrequencyHz: 20}}},
			// Span 400–500: tonic 500 is replaced by the burst's last spike.
			[]float64{0, 250, 400, 450, 500}},
		{"pause drops tonic spikes in [from, to)", Pattern{FrequencyHz: 4, Count: 12, Pauses: []Pause{{From: 1000, To: 2000}}},
			[]float64{0, 250, 500, 750, 2000, 2250, 2500, 2750}},
		{"pause between spikes drops nothing", Pattern{FrequencyHz: 4, Count: 3, Pauses: []Pause{{From: 260, To: 490}}},
			[]float64{0, 250, 500}},
		{"touching pauses", Pattern{FrequencyHz: 10, Count: 10, Pauses: []Pause{{From: 100, To: 300}, {From: 300, To: 500}}},
			[]float64{0, 500, 600, 700, 800, 900}},
		{"bursts only", Pattern{Bursts: []Burst{{At: 10, Spikes: 3, FrequencyHz: 100}, {At: 100, Spikes: 2, FrequencyHz: 50}}},
			[]float64{10, 20, 30, 100, 120}},
		{"one-spike burst", Pattern{FrequencyHz: 1, Count: 2, Bursts: []Burst{{At: 500, Spikes: 1, FrequencyHz: 20}}},
			[]float64{0, 500, 1000}},
		{"dopamine neuron: tonic, burst and pause", Pattern{FrequencyHz: 4, Count: 16,
			Bursts: []Burst{{At: 1000, Spikes: 5, FrequencyHz: 20}},
			Pauses: []Pause{{From: 2000, To: 2500}}},
			[]float64{0, 250, 500, 750, 1000, 1050, 1100, 1150, 1200, 1250, 1500, 1750, 2500, 2750, 3000, 3250, 3500, 3750}},
		{"burst then pause after its last spike", Pattern{FrequencyHz: 4, Count: 8,
			Bursts: []Burst{{At: 500, Spikes: 4, FrequencyHz: 20}},
			Pauses: []Pause{{From: 651, To: 1300}}},
			[]float64{0, 250, 500, 550, 600, 650, 1500, 1750}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.p.Times()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
	// Without bursts and pauses the pattern is Train.
	got, _ := Pattern{Start: 1, FrequencyHz: 7, Count: 50}.Times()
	if !reflect.DeepEqual(got, Train(1, 7, 50)) {
		t.Errorf("tonic pattern %v differs from Train", got)
	}
}

// TestPatternErrors: nonsense is refused, naming the field and the unit.
func TestPatternErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     Pattern
		field string
		want  string
	}{
		{"nothing", Pattern{}, "count", "tonic spikes (count and frequency) or bursts"},
		{"negative start", Pattern{Start: -1, FrequencyHz: 4, Count: 2}, "start", "≥ 0 ms"},
		{"no frequency", Pattern{Count: 2}, "frequency", "positive frequency in Hz"},
		{"negative count", Pattern{Count: -1, FrequencyHz: 1}, "count", "≥ 0"},
		{"too many", Pattern{Count: MaxTrainSpikes + 1, FrequencyHz: 1}, "count", "too many"},
		{"too many with bursts", Pattern{Count: MaxTrainSpikes, FrequencyHz: 1, Bursts: []Burst{{At: 0.5, Spikes: 1, FrequencyHz: 20}}}, "bursts[0].spikes", "more than 10000000"},
		{"burst without spikes", Pattern{Bursts: []Burst{{At: 1, FrequencyHz: 20}}}, "bursts[0].spikes", "≥ 1"},
		{"burst without frequency", Pattern{Bursts: []Burst{{At: 1, Spikes: 3}}}, "bursts[0].frequency", "Hz"},
		{"burst at negative time", Pattern{Bursts: []Burst{{At: -5, Spikes: 3, FrequencyHz: 20}}}, "bursts[0].at", "≥ 0 ms"},
		{"bursts out of order", Pattern{Bursts: []Burst{{At: 500, Spikes: 2, FrequencyHz: 20}, {At: 100, Spikes: 2, FrequencyHz: 20}}},
			"bursts[1].at", "time order: this one at 100 ms comes after bursts[0] at 500 ms"},
		{"overlapping bursts", Pattern{Bursts: []Burst{{At: 100, Spikes: 5, FrequencyHz: 20}, {At: 250, Spikes: 2, FrequencyHz: 20}}},
			"bursts[1].at", "overlaps bursts[0], which lasts from 100 ms to 300 ms"},
		{"bursts sharing a spike", Pattern{Bursts: []Burst{{At: 100, Spikes: 3, FrequencyHz: 20}, {At: 200, Spikes: 2, FrequencyHz: 20}}},
			"bursts[1].at", "overlaps bursts[0]"},
		{"pause ends before it starts", Pattern{FrequencyHz: 4, Count: 8, Pauses: []Pause{{From: 500, To: 400}}},
			"pauses[0].to", "after from (500 ms), got 400 ms"},
		{"empty pause", Pattern{FrequencyHz: 4, Count: 8, Pauses: []Pause{{From: 500, To: 500}}}, "pauses[0].to", "after from"},
		{"pauses out of order", Pattern{FrequencyHz: 4, Count: 8, Pauses: []Pause{{From: 1000, To: 1200}, {From: 100, To: 200}}},
			"pauses[1].from", "time order"},
		{"overlapping pauses", Pattern{FrequencyHz: 4, Count: 8, Pauses: []Pause{{From: 100, To: 600}, {From: 500, To: 700}}},
			"pauses[1].from", "500 ms is inside pauses[0] [100 ms, 600 ms)"},
		{"burst in a pause", Pattern{FrequencyHz: 4, Count: 8, Bursts: []Burst{{At: 1000, Spikes: 5, FrequencyHz: 20}}, Pauses: []Pause{{From: 1200, To: 1500}}},
			"bursts[0].at", "the burst from 1000 ms to 1200 ms overlaps pauses[0] [1200 ms, 1500 ms)"},
		{"pause swallowing every spike", Pattern{FrequencyHz: 4, Count: 4, Pauses: []Pause{{From: 0, To: 1000}}}, "pauses", "every action potential"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.Times()
			var pe *PatternError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *PatternError", err)
			}
			if pe.Field != tc.field || !strings.Contains(pe.Msg, tc.want) {
				t.Errorf("got %q, want field %q and a message containing %q", err, tc.field, tc.want)
			}
		})
	}
}

// ExamplePattern_Times is a dopamine neuron firing tonically at 4 Hz,
// with a burst of five spikes at 20 Hz at 1 s and a pause from 2 to 2.5 s.
func ExamplePattern_Times() {
	p := Pattern{
		Start: 0, FrequencyHz: 4, Count: 12,
		Bursts: []Burst{{At: 1000, Spikes: 5, FrequencyHz: 20}},
		Pauses: []Pause{{From: 2000, To: 2500}},
	}
	times, err := p.Times()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(times)
	// Output: [0 250 500 750 1000 1050 1100 1150 1200 1250 1500 1750 2500 2750]
}
