// Package batch runs a plan of conditions × replicates into a run
// directory of Parquet parts, deterministically split into tasks (Slurm
// array tasks, for example), with a manifest, per-part completion records
// with checksums, resume, and clean interruption.
//
// A run directory looks like
//
//	manifest.json
//	timeseries/condition=<c>/part-00000.parquet
//	summary/condition=<c>/part-00000.parquet
//	parts/condition=<c>/part-00000.json   (completion record: checksums)
//	parts/condition=<c>/.part-00000.lock  (held while the part is computed)
//	.lock                                 (runs share it, mc merge holds it alone)
//
// Part k of a condition holds replicates [k·Chunk, (k+1)·Chunk). Part names
// do not depend on the number of tasks, so a run can be resumed or
// completed with any task count and the union of the parts is the same.
//
// [Merge] compacts the parts of a complete run into fewer, larger files
// (part-<first>-<last>.parquet); the completion record of each part then
// names the file that holds it (see [PartRecord]).
package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/atomicfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// Version is the engine version written into manifests and files. A
// manifest written by a newer major format is refused.
const Version = "0.1.0"

// ManifestFormat is the manifest layout version. Format 2 added merged
// runs: a completion record may name a merged file that holds its part
// (PartRecord.TimeseriesFile, SummaryFile), which a format-1 reader would
// take for a missing part and recompute. Format 3 lists the tables of each
// part in its completion record (PartRecord.Tables: any number of tables,
// each with its file and checksum) instead of the two fixed fields, and the
// tables of each condition in the manifest. Runs of formats 1 and 2 are
// still read (mc status, mc analyze, ...) but not resumed or merged.
const ManifestFormat = 3

// Condition is one model of a plan (one point of a sweep).
type Condition struct {
	Name  string // hive partition value: condition=<Name>
	Model *montecarlo.Model
	// Source is the model text (YAML) and Overrides the --set/--sweep
	// assignments applied to it; both go into every file's metadata and
	// the model hash.
	Source    string
	Overrides []string
}

// Hash identifies the condition's model: sha256 of its source and
// overrides.
func (c Condition) Hash() string {
	h := sha256.New()
	h.Write([]byte(c.Source))
	for _, o := range c.Overrides {
		h.Write([]byte{0})
		h.Write([]byte(o))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Plan is a run: every condition simulated for the same replicates with
// the same seed (common random numbers: replicate r of every condition
// uses the same streams).
type Plan struct {
	Conditions []Condition
	Replicates int
	Seed       uint64
	Chunk      int // replicates per part
}

// Unit is one part of a plan: a chunk of replicates of one condition.
type Unit struct {
	Cond, Chunk int
	First, End  int // replicates [First, End)
}

// Limits of a plan. A run's parts are listed, checked and written one by
// one (each is two Parquet files and a completion record), so the number of
// parts is bounded; so is the number of replicates of one part, whose
// indices are held in memory while it runs.
const (
	// MaxReplicates is the most replicates of one run (as in model files).
	MaxReplicates = math.MaxInt32
	// MaxChunk is the most replicates of one part.
	MaxChunk = 1 << 20
	// MaxParts is the most parts of one run, all conditions together.
	MaxParts = 1 << 20
)

// Validate checks the plan's counts and names, and that the plan fits the
// limits above, before anything is written.
func (p Plan) Validate() error {
	if p.Replicates <= 0 {
		return fmt.Errorf("replicates must be a positive count, got %d", p.Replicates)
	}
	if p.Replicates > MaxReplicates {
		return fmt.Errorf("%d replicates is more than the %d one run can hold: split the ensemble into runs with different seeds", p.Replicates, MaxReplicates)
	}
	if p.Chunk <= 0 {
		return fmt.Errorf("replicates per part must be a positive count, got %d", p.Chunk)
	}
	if p.Chunk > MaxChunk {
		return fmt.Errorf("%d replicates per part is more than the %d a part can hold: use --replicates-per-part %d or fewer", p.Chunk, MaxChunk, MaxChunk)
	}
	if len(p.Conditions) == 0 {
		return errors.New("the plan has no conditions")
	}
	if n := int64(len(p.Conditions)) * int64(p.partsPerCondition()); n > MaxParts {
		// Parts of at least need replicates each bring the count under the limit.
		need := (int64(p.Replicates)*int64(len(p.Conditions)) + MaxParts - 1) / MaxParts
		hint := fmt.Sprintf("use --replicates-per-part %d or more", need)
		if need > MaxChunk {
			hint = "use fewer replicates or conditions"
		}
		return fmt.Errorf("%d replicates × %d condition(s) in parts of %d make %d parts, more than the %d one run can hold: %s",
			p.Replicates, len(p.Conditions), p.Chunk, n, MaxParts, hint)
	}
	seen := map[string]bool{}
	for _, c := range p.Conditions {
		if err := results.ValidCondition(c.Name); err != nil {
			return err
		}
		if seen[c.Name] {
			return fmt.Errorf("condition %q appears twice", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// partsPerCondition is the number of parts of each condition.
func (p Plan) partsPerCondition() int {
	if p.Chunk <= 0 || p.Replicates <= 0 {
		return 0
	}
	return (p.Replicates-1)/p.Chunk + 1
}

// NumParts is the number of parts of the plan, all conditions together.
func (p Plan) NumParts() int { return len(p.Conditions) * p.partsPerCondition() }

// Unit is part i of the plan (0 ≤ i < NumParts), condition by condition.
func (p Plan) Unit(i int) Unit {
	per := p.partsPerCondition()
	c, k := i/per, i%per
	return Unit{Cond: c, Chunk: k, First: k * p.Chunk, End: min((k+1)*p.Chunk, p.Replicates)}
}

// Units lists the parts of the plan, condition by condition.
func (p Plan) Units() []Unit {
	us := make([]Unit, p.NumParts())
	for i := range us {
		us[i] = p.Unit(i)
	}
	return us
}

// TaskUnits is the deterministic share of task (0-based) of tasks: units
// task, task+tasks, task+2·tasks, ..., computed from their indices.
func (p Plan) TaskUnits(task, tasks int) ([]Unit, error) {
	if tasks <= 0 {
		return nil, fmt.Errorf("--tasks must be a positive count, got %d", tasks)
	}
	if task < 0 || task >= tasks {
		return nil, fmt.Errorf("--task %d is out of range: tasks are numbered 0 to %d", task, tasks-1)
	}
	n := p.NumParts()
	out := make([]Unit, 0, max(0, (n-task+tasks-1)/tasks))
	for i := task; i < n; i += tasks {
		out = append(out, p.Unit(i))
	}
	return out, nil
}

// Manifest describes a run directory.
type Manifest struct {
	Format     int                 `json:"format"`
	Engine     string              `json:"engine"`
	Commit     string              `json:"commit,omitempty"`
	Seed       uint64              `json:"seed"`
	Replicates int                 `json:"replicates"`
	Chunk      int                 `json:"replicates_per_part"`
	Conditions []ManifestCondition `json:"conditions"`
	Parts      int                 `json:"parts"`
	Created    string              `json:"created"`
	// Generation counts the merges (mc merge) that rewrote the run's files:
	// 0 as written by mc run.
	Generation int `json:"generation,omitempty"`
	// Merged is when the last merge finished (RFC 3339), if any.
	Merged string `json:"merged,omitempty"`
}

// ManifestCondition is one condition in a manifest.
type ManifestCondition struct {
	Name      string   `json:"name"`
	ModelHash string   `json:"model_hash"`
	Overrides []string `json:"overrides,omitempty"`
	// Tables lists the tables every part of the condition holds (format
	// 3; empty in older manifests, whose parts hold timeseries and
	// summary).
	Tables []string `json:"tables,omitempty"`
}

// Commit is the VCS revision the binary was built from, or "unknown".
func Commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

func (p Plan) manifest() Manifest {
	m := Manifest{Format: ManifestFormat, Engine: Version, Commit: Commit(), Seed: p.Seed, Replicates: p.Replicates,
		Chunk: p.Chunk, Parts: p.NumParts(), Created: time.Now().UTC().Format(time.RFC3339)}
	for _, c := range p.Conditions {
		mc := ManifestCondition{Name: c.Name, ModelHash: c.Hash(), Overrides: c.Overrides}
		for _, k := range c.Tables() {
			mc.Tables = append(mc.Tables, k.String())
		}
		m.Conditions = append(m.Conditions, mc)
	}
	return m
}

// Tables lists the tables each part of the condition holds: timeseries
// and summary, then those the model's output section asks for (see
// montecarlo.OutputSpec).
func (c Condition) Tables() []results.Kind {
	ks := []results.Kind{results.Timeseries, results.Summary}
	if c.Model == nil {
		return ks
	}
	o := c.Model.Output()
	if o.SnapshotEvery > 0 {
		ks = append(ks, results.Snapshots, results.Sites)
	}
	if o.RecordsEvents() {
		ks = append(ks, results.Events)
	}
	return ks
}

// ErrOldFormat is wrapped by the errors of resuming or merging a run
// written by an older manifest format.
var ErrOldFormat = errors.New("written by an older reuptake")

// checkCurrent refuses to resume or merge (what) a run whose manifest is
// of an older format.
func checkCurrent(dir string, m Manifest, what string) error {
	if m.Format >= ManifestFormat {
		return nil
	}
	return fmt.Errorf("%s was %w (manifest format %d, engine %s; this is format %d, engine %s): it can still be read (mc status, mc analyze, mc inspect) but not %s; rerun it into a new --out directory",
		filepath.Join(dir, "manifest.json"), ErrOldFormat, m.Format, m.Engine, ManifestFormat, Version, what)
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: corrupt manifest: %v", filepath.Join(dir, "manifest.json"), err)
	}
	if m.Format > ManifestFormat {
		return m, fmt.Errorf("%s was written by a newer reuptake (manifest format %d, engine %s); this is engine %s: upgrade to read it",
			filepath.Join(dir, "manifest.json"), m.Format, m.Engine, Version)
	}
	return m, nil
}

// compatible explains why an existing manifest does not match the plan.
func compatible(old, now Manifest) error {
	var why []string
	if old.Engine != now.Engine {
		why = append(why, fmt.Sprintf("written by engine %s, this is engine %s: parts from two engine versions would be mixed in one ensemble", old.Engine, now.Engine))
	}
	if old.Seed != now.Seed {
		why = append(why, fmt.Sprintf("seed %d there, %d now", old.Seed, now.Seed))
	}
	if old.Replicates != now.Replicates {
		why = append(why, fmt.Sprintf("%d replicates there, %d now", old.Replicates, now.Replicates))
	}
	if old.Chunk != now.Chunk {
		why = append(why, fmt.Sprintf("%d replicates per part there, %d now", old.Chunk, now.Chunk))
	}
	if len(old.Conditions) != len(now.Conditions) {
		why = append(why, fmt.Sprintf("%d conditions there, %d now", len(old.Conditions), len(now.Conditions)))
	} else {
		for i := range old.Conditions {
			o, n := old.Conditions[i], now.Conditions[i]
			if o.Name != n.Name {
				why = append(why, fmt.Sprintf("condition %d is %q there, %q now", i, o.Name, n.Name))
			} else if o.ModelHash != n.ModelHash {
				why = append(why, fmt.Sprintf("condition %q has a different model (hash %.12s there, %.12s now)", o.Name, o.ModelHash, n.ModelHash))
			}
		}
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("the directory holds a different run (%s); use another --out directory", join(why))
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}

// writeFileAtomic writes data to path through a temporary file and rename.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o644)
}

// Prepare makes dir ready for plan p: it writes the manifest if there is
// none, or checks that the existing one describes the same run. Creation is
// race-free: the manifest is written whole to a temporary file and linked
// into place only if no manifest exists, so of several tasks starting at
// once on a fresh directory the first wins and the others check the plan
// against the manifest it wrote. Nothing is written unless the plan is
// valid (see Plan.Validate).
func Prepare(dir string, p Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := p.manifest()
	old, err := ReadManifest(dir)
	switch {
	case err == nil:
		if err := checkCurrent(dir, old, "resumed"); err != nil {
			return err
		}
		return compatible(old, now)
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	if err := atomicfile.MkdirAll(dir); err != nil {
		return fmt.Errorf("cannot create the output directory: %w", err)
	}
	b, _ := json.MarshalIndent(now, "", "  ")
	created, err := atomicfile.WriteFileExclusive(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644)
	if err != nil {
		return fmt.Errorf("cannot write the manifest: %w", err)
	}
	if !created {
		// Another task created the run first: it must be this plan.
		if old, err = ReadManifest(dir); err != nil {
			return err
		}
		return compatible(old, now)
	}
	return nil
}

// IsManifestTemp reports whether name (a file name in a run directory) is
// a manifest being written: a directory that holds only such files is a
// run being created by another task, not a foreign directory.
func IsManifestTemp(name string) bool {
	return strings.HasPrefix(name, atomicfile.TempPrefix("manifest.json"))
}

// PartRecord is the completion record of one part.
type PartRecord struct {
	Condition string `json:"condition"`
	Chunk     int    `json:"part"`
	First     int    `json:"first_replicate"`
	End       int    `json:"end_replicate"`
	// Tables lists the tables the part holds, each with the file that
	// holds it and that file's checksum (manifest format 3).
	Tables   []TableFile `json:"tables,omitempty"`
	Task     int         `json:"task"`
	Finished string      `json:"finished"`

	// Timeseries, Summary, TimeseriesFile and SummaryFile are the fields
	// of format-2 records, which held exactly those two tables; they are
	// read (see AllTables), never written.
	Timeseries     string `json:"timeseries_sha256,omitempty"`
	Summary        string `json:"summary_sha256,omitempty"`
	TimeseriesFile string `json:"timeseries_file,omitempty"`
	SummaryFile    string `json:"summary_file,omitempty"`
}

// TableFile is one table of a part in its completion record.
type TableFile struct {
	// Table is the table name (results.Kind.String), e.g. "events".
	Table string `json:"table"`
	// File names the file that holds the part in the condition's directory
	// of the table, when that is not the part's own part-NNNNN.parquet: mc
	// merge compacts parts into part-<first>-<last>.parquet files and
	// points the records there.
	File string `json:"file,omitempty"`
	// SHA256 is the checksum of that file.
	SHA256 string `json:"sha256"`
	// Rows is the number of rows of the part in the table.
	Rows int64 `json:"rows"`
}

// AllTables returns the tables of the record, those of a format-2 record
// included (timeseries and summary, without row counts).
func (rec PartRecord) AllTables() []TableFile {
	if rec.Tables != nil || rec.Timeseries == "" && rec.Summary == "" {
		return rec.Tables
	}
	return []TableFile{
		{Table: results.Timeseries.String(), File: rec.TimeseriesFile, SHA256: rec.Timeseries, Rows: -1},
		{Table: results.Summary.String(), File: rec.SummaryFile, SHA256: rec.Summary, Rows: -1},
	}
}

// table returns the record's entry of table k.
func (rec PartRecord) table(k results.Kind) (TableFile, bool) {
	for _, t := range rec.AllTables() {
		if t.Table == k.String() {
			return t, true
		}
	}
	return TableFile{}, false
}

// file returns the path of the file that holds the record's part of the
// given table.
func (rec PartRecord) file(dir string, kind results.Kind, cond string, chunk int) (string, error) {
	t, ok := rec.table(kind)
	if !ok {
		return "", fmt.Errorf("completion record lists no %s table", kind)
	}
	name := t.File
	if name == "" {
		return results.PartPath(dir, kind, cond, chunk), nil
	}
	if name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("completion record names an invalid file %q", name)
	}
	return filepath.Join(results.ConditionDir(dir, kind, cond), name), nil
}

func recordPath(dir, cond string, chunk int) string {
	return filepath.Join(dir, "parts", "condition="+cond, fmt.Sprintf("part-%05d.json", chunk))
}

// PartState is the status of one part.
type PartState int

// Part states.
const (
	Missing PartState = iota
	Done
	Corrupt
)

func (s PartState) String() string {
	return [...]string{"missing", "done", "corrupt"}[s]
}

// PartStatus is a part with its state and, when corrupt, why.
type PartStatus struct {
	Unit
	Condition string
	State     PartState
	Why       string
}

// Check inspects one part on disk. verify recomputes checksums (slower).
func Check(dir string, p Plan, u Unit, verify bool) PartStatus {
	return newChecker(dir).check(p, u, verify)
}

// checker checks parts of one run directory, computing the checksum of a
// file only once: after a merge many parts share one file.
type checker struct {
	dir     string
	sums    map[string]string
	pending bool // an interrupted merge is waiting to be finished
}

func newChecker(dir string) *checker {
	return &checker{dir: dir, sums: map[string]string{}, pending: MergePending(dir)}
}

func (c *checker) checksum(path string) (string, error) {
	if s, ok := c.sums[path]; ok {
		return s, nil
	}
	s, err := results.Checksum(path)
	if err == nil {
		c.sums[path] = s
	}
	return s, err
}

// readRecord reads the completion record of a part; ok is false when there
// is none.
func readRecord(dir, cond string, chunk int) (rec PartRecord, ok bool, err error) {
	b, err := os.ReadFile(recordPath(dir, cond, chunk))
	if err != nil {
		return rec, false, nil
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, true, err
	}
	return rec, true, nil
}

func (c *checker) check(p Plan, u Unit, verify bool) PartStatus {
	name := p.Conditions[u.Cond].Name
	st := PartStatus{Unit: u, Condition: name}
	hint := ""
	if c.pending {
		hint = fmt.Sprintf(" (an mc merge was interrupted: finish it with mc merge %s)", c.dir)
	}
	rec, ok, err := readRecord(c.dir, name, u.Chunk)
	if !ok {
		if hint != "" {
			st.Why = "no completion record" + hint
		}
		return st
	}
	if err != nil {
		st.State, st.Why = Corrupt, "unreadable completion record"
		return st
	}
	tables := rec.AllTables()
	if len(tables) == 0 {
		st.State, st.Why = Corrupt, "completion record lists no tables"
		return st
	}
	for _, t := range tables {
		kind, err := results.ParseKind(t.Table)
		if err != nil {
			st.State, st.Why = Corrupt, "completion record: "+err.Error()
			return st
		}
		f := struct {
			kind results.Kind
			sum  string
		}{kind, t.SHA256}
		path, err := rec.file(c.dir, f.kind, name, u.Chunk)
		if err != nil {
			st.State, st.Why = Corrupt, err.Error()
			return st
		}
		if _, err := os.Stat(path); err != nil {
			st.State, st.Why = Corrupt, path+" is missing"+hint
			return st
		}
		if verify {
			sum, err := c.checksum(path)
			if err != nil || sum != f.sum {
				st.State, st.Why = Corrupt, path+" does not match its checksum"+hint
				return st
			}
		}
	}
	st.State = Done
	return st
}

// Status lists every part of the plan with its state.
func Status(dir string, p Plan, verify bool) []PartStatus {
	c := newChecker(dir)
	var out []PartStatus
	for _, u := range p.Units() {
		out = append(out, c.check(p, u, verify))
	}
	return out
}

// ErrInterrupted is returned when a run stops because its context was
// cancelled (SIGTERM, SIGINT): complete parts stay, the part in progress
// leaves no file under a final name.
var ErrInterrupted = errors.New("interrupted")

// Options control Run.
type Options struct {
	Task, Tasks int
	Workers     int
	Resume      bool // skip parts that are done (always true for a fresh directory)
	// Progress, if set, is called once before the first replicate (done
	// 0) and after each replicate with the number of replicates done and
	// to do in this task.
	Progress func(done, total int)
	// Clock, if set, advances with the simulated time of the replicates in
	// flight (montecarlo.Clock), for progress within replicates.
	Clock *montecarlo.Clock
	// OnPart, if set, is called after each part completes.
	OnPart func(u Unit, summary []montecarlo.Replicate)
}

// Run executes this task's share of the plan into dir. Parts already done
// are skipped when o.Resume is set; otherwise a done part is an error
// (refusing to overwrite results silently).
//
// Run holds the directory lock shared (it refuses to start while mc merge
// holds it) and each part's lock while it computes the part: a part being
// computed by another process is left to it and checked again once that
// process lets it go, so two resumes of one directory share the work
// instead of doing it twice. Temporary files left by killed processes
// (parts whose lock is free) are removed before anything is computed.
func Run(ctx context.Context, dir string, p Plan, o Options) error {
	if o.Tasks == 0 {
		o.Tasks = 1
	}
	units, err := p.TaskUnits(o.Task, o.Tasks)
	if err != nil {
		return err
	}
	if err := Prepare(dir, p); err != nil {
		return err
	}
	dl, err := lockDir(dir, shared)
	if errors.Is(err, errLocked) {
		return fmt.Errorf("%s is being merged (mc merge holds %s): wait for the merge to finish, then run again", dir, filepath.Join(dir, dirLockName))
	}
	if err != nil {
		return err
	}
	defer dl.Unlock()
	if MergePending(dir) {
		return fmt.Errorf("an mc merge of %s was interrupted: finish it with mc merge %s", dir, dir)
	}
	CleanStale(dir)
	var todo []Unit
	total := 0
	chk, merged := newChecker(dir), newMergedIndex(dir)
	scan := units
	for again := true; again; {
		// A part to recompute sets aside the merged files that hold it
		// (after mc merge), which makes the other parts they held missing,
		// whichever task they belong to: this task then recomputes every
		// missing part of the plan (another task doing the same writes
		// identical files, atomically), and checks again until nothing
		// more is set aside.
		again, todo, total = false, todo[:0], 0
		for _, u := range scan {
			st := chk.check(p, u, o.Resume)
			if st.State == Done {
				if !o.Resume {
					return fmt.Errorf("part %d of condition %q is already complete in %s: use --resume to finish a run, or another --out", u.Chunk, st.Condition, dir)
				}
				continue
			}
			n, err := merged.setAside(st.Condition, u.Chunk)
			if err != nil {
				return err
			}
			if n > 0 {
				again = true
				scan = p.Units()
			}
			todo = append(todo, u)
			total += u.End - u.First
		}
	}
	done := 0
	if o.Progress != nil {
		o.Progress(0, total)
	}
	tick := func() {
		done++
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	// Parts another process is computing are done last, waiting for their
	// locks; most are then complete and only checked.
	var busy []Unit
	for pass := 0; pass < 2; pass++ {
		list := todo
		if pass == 1 {
			list = busy
		}
		for _, u := range list {
			if err := ctx.Err(); err != nil {
				return ErrInterrupted
			}
			name := p.Conditions[u.Cond].Name
			var lk *fileLock
			if pass == 0 {
				lk, err = lockPart(dir, name, u.Chunk, false)
			} else {
				lk, err = waitPart(ctx, dir, name, u.Chunk)
			}
			if errors.Is(err, errLocked) {
				busy = append(busy, u)
				continue
			}
			if err != nil {
				if ctx.Err() != nil {
					return ErrInterrupted
				}
				return err
			}
			// Another process may have finished the part since the scan.
			if st := newChecker(dir).check(p, u, true); st.State == Done {
				lk.Unlock()
				done += u.End - u.First
				if o.Progress != nil {
					o.Progress(done, total)
				}
				continue
			}
			removeTemps(dir, name, u.Chunk)
			err = runUnit(ctx, dir, p, u, o, tick)
			lk.Unlock()
			if err != nil {
				if ctx.Err() != nil {
					return ErrInterrupted
				}
				return err
			}
		}
	}
	return nil
}

// waitPart takes a part's lock, waiting while another process holds it
// (polling, so that a cancelled ctx stops the wait).
func waitPart(ctx context.Context, dir, cond string, chunk int) (*fileLock, error) {
	for {
		lk, err := lockPart(dir, cond, chunk, false)
		if !errors.Is(err, errLocked) {
			return lk, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// tempParts matches the temporary files of a part's files: those of the
// tables (.part-NNNNN.parquet.tmp-*) and of the completion record
// (.part-NNNNN.json.tmp-*).
var tempParts = regexp.MustCompile(`^\.part-(\d+)\.(parquet|json)\.tmp-`)

// tempFile is a temporary file of a part.
type tempFile struct {
	path  string
	cond  string
	chunk int
}

// partTemps lists the temporary part files under dir: in every table's
// condition directories and in the completion records'.
func partTemps(dir string) []tempFile {
	var out []tempFile
	subs, _ := os.ReadDir(dir)
	for _, sub := range subs {
		if !sub.IsDir() || strings.HasPrefix(sub.Name(), ".") {
			continue
		}
		conds, _ := os.ReadDir(filepath.Join(dir, sub.Name()))
		for _, c := range conds {
			cond, ok := strings.CutPrefix(c.Name(), "condition=")
			if !ok || !c.IsDir() {
				continue
			}
			files, _ := os.ReadDir(filepath.Join(dir, sub.Name(), c.Name()))
			for _, f := range files {
				m := tempParts.FindStringSubmatch(f.Name())
				if m == nil {
					continue
				}
				chunk, err := strconv.Atoi(m[1])
				if err != nil {
					continue
				}
				out = append(out, tempFile{filepath.Join(dir, sub.Name(), c.Name(), f.Name()), cond, chunk})
			}
		}
	}
	return out
}

// removeTemps removes the temporary files of one part; the caller holds
// the part's lock.
func removeTemps(dir, cond string, chunk int) {
	for _, t := range partTemps(dir) {
		if t.cond == cond && t.chunk == chunk {
			os.Remove(t.path)
		}
	}
}

// Stale lists the temporary files in dir left by processes that were
// killed while writing a part (kill -9, a node failure): those of parts
// whose lock no process holds. live counts the temporary files of parts
// being written now.
func Stale(dir string) (stale []string, live int) {
	return stale0(dir, false)
}

// CleanStale removes the temporary files of Stale and returns their paths.
func CleanStale(dir string) []string {
	stale, _ := stale0(dir, true)
	return stale
}

func stale0(dir string, remove bool) (stale []string, live int) {
	for _, t := range partTemps(dir) {
		if !remove {
			// Only look: create no lock file.
			if heldBy(partLockPath(dir, t.cond, t.chunk), exclusive) {
				live++
			} else {
				stale = append(stale, t.path)
			}
			continue
		}
		lk, err := lockPart(dir, t.cond, t.chunk, false)
		if err != nil {
			live++
			continue
		}
		stale = append(stale, t.path)
		os.Remove(t.path)
		lk.Unlock()
	}
	return stale, live
}

func runUnit(ctx context.Context, dir string, p Plan, u Unit, o Options, tick func()) error {
	c := p.Conditions[u.Cond]
	m := c.Model
	meta := map[string]string{
		results.MetaVersion:    Version,
		results.MetaCommit:     Commit(),
		results.MetaModel:      c.Source,
		results.MetaModelHash:  c.Hash(),
		results.MetaSeed:       strconv.FormatUint(p.Seed, 10),
		results.MetaReplicates: fmt.Sprintf("%d-%d", u.First, u.End-1),
		results.MetaTask:       strconv.Itoa(o.Task),
		results.MetaCondition:  c.Name,
		results.MetaCreated:    time.Now().UTC().Format(time.RFC3339),
		"reuptake.overrides":   join(c.Overrides),
		"reuptake.dt_ms":       strconv.FormatFloat(m.Dt, 'g', -1, 64),
		results.MetaDuration:   strconv.FormatFloat(m.Spec.Run.Duration, 'g', -1, 64),
	}
	var tables []*table
	defer func() {
		for _, t := range tables {
			t.w.Abort()
		}
	}()
	for _, k := range c.Tables() {
		t, err := newTable(k, m, results.PartPath(dir, k, c.Name, u.Chunk), meta)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	reps := make([]int, 0, u.End-u.First)
	for r := u.First; r < u.End; r++ {
		reps = append(reps, r)
	}
	var kept []montecarlo.Replicate
	err := montecarlo.Runner{Workers: o.Workers, Clock: o.Clock}.Run(ctx, m, p.Seed, reps, func(r montecarlo.Replicate) error {
		defer r.Release()
		for _, t := range tables {
			if err := t.feed(t, r); err != nil {
				return err
			}
		}
		if o.OnPart != nil {
			kept = append(kept, montecarlo.Replicate{Index: r.Index, Summary: r.Summary})
		}
		tick()
		return nil
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	rec := PartRecord{Condition: c.Name, Chunk: u.Chunk, First: u.First, End: u.End, Task: o.Task,
		Finished: time.Now().UTC().Format(time.RFC3339)}
	for _, t := range tables {
		if err := t.finish(); err != nil {
			return err
		}
		sum, err := results.Checksum(t.w.Path())
		if err != nil {
			return err
		}
		rec.Tables = append(rec.Tables, TableFile{Table: t.kind.String(), SHA256: sum, Rows: t.w.Rows()})
	}
	b, _ := json.MarshalIndent(rec, "", "  ")
	if err := writeFileAtomic(recordPath(dir, c.Name, u.Chunk), append(b, '\n')); err != nil {
		return err
	}
	if o.OnPart != nil {
		o.OnPart(u, kept)
	}
	return nil
}

// StatusFromManifest lists every part of the run described by a manifest
// with its state, without needing the model.
func StatusFromManifest(dir string, m Manifest, verify bool) []PartStatus {
	p := Plan{Replicates: m.Replicates, Chunk: m.Chunk, Seed: m.Seed}
	for _, c := range m.Conditions {
		p.Conditions = append(p.Conditions, Condition{Name: c.Name})
	}
	return Status(dir, p, verify)
}
