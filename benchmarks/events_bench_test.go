package benchmarks

import (
	"path/filepath"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// benchRecording runs whole replicates of the default preset cut to its
// first 0.5 ms (Reset + Run, one core), recording the events listed (none:
// recording off) into a tape that is emptied after each replicate, and
// reports the events per replicate. The cost of an event is the
// difference in time per replicate from BenchmarkEventsOff divided by
// events/op.
func benchRecording(b *testing.B, over ...string) {
	m, err := modelfile.LoadPreset(modelfile.DefaultPreset, append([]string{"run.duration=0.5 ms"}, over...)...)
	if err != nil {
		b.Fatal(err)
	}
	e := montecarlo.NewEngine(m)
	events := 0
	for i := 0; b.Loop(); i++ {
		tape := &montecarlo.Tape{}
		e.Record(tape)
		e.Reset(1, i)
		e.Run(func(float64, []float64) {})
		events += tape.Events.Len() + tape.Molecules.Len()
		tape.Release()
	}
	b.ReportMetric(float64(events)/float64(b.N), "rows/op")
}

// BenchmarkEventsOff: the default preset's first 0.5 ms, nothing recorded.
func BenchmarkEventsOff(b *testing.B) { benchRecording(b) }

// BenchmarkEventsAll: the same with every event kind recorded.
func BenchmarkEventsAll(b *testing.B) { benchRecording(b, "output.events=all") }

// BenchmarkSnapshots: the same with a snapshot of every free molecule and
// site every 10 µs.
func BenchmarkSnapshots(b *testing.B) { benchRecording(b, "output.snapshots.every=10 us") }

// BenchmarkEventsWriter writes rows of the events table (Zstd Parquet,
// strings from a small vocabulary as the engine's are) and reports rows
// per second and bytes per row on disk.
func BenchmarkEventsWriter(b *testing.B) {
	path := filepath.Join(b.TempDir(), "events.parquet")
	w, err := results.CreateFields(path, results.Events, results.Events.Fields(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Abort()
	kinds := []string{"release", "bind", "unbind", "transport", "transition", "escape"}
	states := []string{"To", "ToS", "TiS", "Ti", ""}
	n := 0
	for i := 0; b.Loop(); i++ {
		k := i % len(kinds)
		site := int64(i*7919) % 5000
		if err := w.WriteRow(results.Int(int64(i>>16)), results.Double(float64(i)*1e-4), results.String(kinds[k]),
			results.String("glu"), results.String("glt1"), results.Int(site), results.String(states[k%5]), results.String(states[(k+1)%5]),
			results.Int(int64(i/3)), results.Double(float64(i%1000)*1e-3), results.Double(float64(i%777)*1e-3), results.Double(0.01),
			results.String("cleft")); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	f, err := results.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(f.Size())/float64(n), "B/row")
}
