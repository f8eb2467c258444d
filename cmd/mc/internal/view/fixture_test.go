package view

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// fixture describes a run written by writeFixtureRun.
type fixture struct {
	dir    string
	cond   string
	reps   []int
	times  []float64     // snapshot times, ms
	rows   map[int][]int // per replicate: snapshot rows at each time
	nSites int
	snaps  map[int][]SnapshotRow // per replicate: every row written
	sites  map[int][]SiteRow
}

// writeFixtureRun writes a run directory holding snapshots and sites
// tables in the layout and with the columns of the table contract
// (CONTRACTS.md): the glutamate-ca1 preset stepped by the engine for
// duration ms, every molecule and site recorded every interval ms, for
// the given replicates (one part file per replicate), plus a timeseries
// part so the run looks like mc run's. It stands in for mc run --snapshots
// until the engine writes these tables itself.
func writeFixtureRun(t testing.TB, dir string, reps []int, duration, interval float64) fixture {
	t.Helper()
	src, err := modelfile.Preset("glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	m, err := modelfile.LoadBytes("glutamate-ca1.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	fx := fixture{dir: dir, cond: "base", reps: reps, rows: map[int][]int{}, snaps: map[int][]SnapshotRow{}, sites: map[int][]SiteRow{}}
	seed := m.Spec.Run.Seed
	every := int(math.Round(interval / m.Dt))
	steps := int(math.Round(duration / m.Dt))
	for part, rep := range reps {
		e := montecarlo.NewEngine(m)
		e.Reset(seed, rep)
		var snaps []SnapshotRow
		var sites []SiteRow
		types := m.SiteTypeNames()
		record := func() {
			tm := e.Time()
			mol := e.Molecules()
			for i := 0; i < mol.Len(); i++ {
				v, _ := m.Grid.Locate([3]float64{mol.X[i], mol.Y[i], mol.Z[i]})
				snaps = append(snaps, SnapshotRow{Replicate: int64(rep), T: tm, Molecule: int64(mol.ID[i]),
					Species: m.Species()[mol.Species[i]], Region: m.Grid.RegionNames()[m.Grid.Region(v)],
					X: mol.X[i], Y: mol.Y[i], Z: mol.Z[i]})
			}
			for si, s := range e.Sites() {
				p := SitePosition(m.Grid, s)
				sites = append(sites, SiteRow{Replicate: int64(rep), T: tm, Site: int64(si), SiteType: types[s.Type],
					State: m.SiteStates(s.Type)[s.State], X: p[0], Y: p[1], Z: p[2]})
			}
			if part == 0 {
				fx.times = append(fx.times, tm)
			}
			fx.rows[rep] = append(fx.rows[rep], mol.Len())
			fx.nSites = len(e.Sites())
		}
		for step := 0; step <= steps; step++ {
			if step > 0 {
				e.Step()
			}
			if step%every == 0 {
				record()
			}
		}
		fx.snaps[rep], fx.sites[rep] = snaps, sites
		meta := map[string]string{
			results.MetaModel:      string(src),
			results.MetaSeed:       strconv.FormatUint(seed, 10),
			results.MetaReplicates: fmt.Sprintf("%d-%d", rep, rep),
			results.MetaCondition:  fx.cond,
		}
		writeTable(t, filepath.Join(dir, TableSnapshots, "condition="+fx.cond, fmt.Sprintf("part-%05d.parquet", part)), TableSnapshots, meta, snaps)
		writeTable(t, filepath.Join(dir, TableSites, "condition="+fx.cond, fmt.Sprintf("part-%05d.parquet", part)), TableSites, meta, sites)
	}
	return fx
}

func writeTable[T any](t testing.TB, path, kind string, meta map[string]string, rows []T) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := []parquet.WriterOption{parquet.KeyValueMetadata(results.MetaKind, kind)}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	w := parquet.NewGenericWriter[T](f, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestFixtureRun writes the fixture run into $REUPTAKE_VIEW_FIXTURE when
// that is set (the browser check in .ci/view uses it until mc run writes
// snapshots), replicates 0 and 1 over 1 ms every 50 µs.
func TestFixtureRun(t *testing.T) {
	dir := os.Getenv("REUPTAKE_VIEW_FIXTURE")
	if dir == "" {
		t.Skip("REUPTAKE_VIEW_FIXTURE not set")
	}
	fx := writeFixtureRun(t, dir, []int{0, 1}, 1, 0.05)
	t.Logf("wrote %s: %d frames, rows of replicate 0: %v", dir, len(fx.times), fx.rows[0])
}
