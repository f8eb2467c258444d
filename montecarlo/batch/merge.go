package batch

// Merging compacts the many small part files of a complete run into fewer,
// larger files, one table and one condition at a time, without ever leaving
// a state in which the run's data is lost or silently wrong.
//
// Layout. After a merge, the parts of condition c are held by files
// <table>/condition=c/part-<first>-<last>.parquet (first and last part
// numbers, five digits), each at most MergeOptions.MaxRows rows; a group of
// one file keeps its name. Every part keeps its completion record
// parts/condition=c/part-NNNNN.json, which now names the file that holds it
// (TableFile.File in PartRecord.Tables) with that file's checksum, so
// mc status, Check and mc run --resume work on merged runs as before.
//
// Order of operations (a crash may happen between any two steps):
//
//  1. Verify every part of the run against its checksum; refuse an
//     incomplete run. Remove the staging area (.merge) of an earlier merge
//     that did not reach its commit point; finish (roll forward) one that did.
//  2. Stage: write the merged files with results.Create (temporary file +
//     rename, synced) and the new completion records (temporary file +
//     rename) under DIR/.merge/new/<timeseries|summary|parts>/condition=c/,
//     then re-open every staged file and check its row count. A crash here
//     leaves the run untouched: readers never look in .merge, and the next
//     mc merge starts again.
//  3. Commit: write DIR/.merge/journal.json (atomically), listing the
//     conditions to swap. From here on the merge is rolled forward, never
//     back: the staged files are complete and checksummed.
//  4. Swap, per condition and per directory: rename the live directory
//     DIR/<sub>/condition=c to DIR/.merge/old/..., then the staged one into
//     its place, syncing the parent directories. A glob over
//     DIR/timeseries/**/*.parquet sees the old parts or the merged files,
//     never both (no duplicated rows); for the instant between the two
//     renames the condition is absent. A crash during the swap leaves
//     parts whose record and file disagree: Check reports them corrupt,
//     naming the interrupted merge, and Run refuses to start, so nothing is
//     recomputed into a half-swapped run; mc merge DIR finishes the swap.
//  5. Write the manifest with the next Generation (atomically).
//  6. Delete DIR/.merge/old (the old parts), then the journal, then .merge.
//     A crash before the journal is gone repeats steps 4–6, which are
//     idempotent.
//
// Merge holds the run's directory lock exclusive (see lock.go): it refuses
// to start while a task of mc run or another merge works in the directory.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reuptake/reuptake/montecarlo/atomicfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// MergeOptions control Merge.
type MergeOptions struct {
	// MaxRows is the most rows a merged file holds; a part file larger than
	// that stays as it is. 0 means no limit: one file per condition and
	// table.
	MaxRows int64

	// crashAt, set only by tests, simulates a crash at the named step:
	// Merge returns errCrash at once and cleans nothing up.
	crashAt func(step string) bool
}

// MergeReport says what Merge did.
type MergeReport struct {
	Conditions int // conditions whose files were rewritten
	Parts      int // parts of the run
	// FilesBefore and FilesAfter count the data files (both tables).
	FilesBefore, FilesAfter int
	// Rows counts the rows of each table ("timeseries", "summary"), the
	// same before and after.
	Rows map[string]int64
	// Generation is the manifest generation after the merge.
	Generation int
	// Unchanged is set when the run was already as compact as asked.
	Unchanged bool
	// Finished is set when an interrupted merge was completed first.
	Finished bool
}

const (
	mergeDir    = ".merge"
	journalName = "journal.json"
	partsDir    = "parts"
)

// mergeJournal is the commit record of a merge (step 3).
type mergeJournal struct {
	Generation int      `json:"generation"`
	Conditions []string `json:"conditions"`
	Started    string   `json:"started"`
}

var errCrash = errors.New("simulated crash")

// step marks a point where a test may simulate a crash.
func (o MergeOptions) step(name string) error {
	if o.crashAt != nil && o.crashAt(name) {
		return errCrash
	}
	return nil
}

// MergePending reports whether an interrupted merge of dir waits to be
// finished by Merge.
func MergePending(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, mergeDir, journalName))
	return err == nil
}

// planOf is the plan described by a manifest, without models.
func planOf(m Manifest) Plan {
	p := Plan{Replicates: m.Replicates, Chunk: m.Chunk, Seed: m.Seed}
	for _, c := range m.Conditions {
		p.Conditions = append(p.Conditions, Condition{Name: c.Name})
	}
	return p
}

// source is one existing file of a condition's table: the parts
// [units[0].Chunk, units[len-1].Chunk] in order.
type source struct {
	name  string
	sum   string
	units []Unit
	rows  int64
}

// group is one file of the merged layout.
type group struct {
	name    string
	sources []source
	sum     string
	rows    int64
}

func (g group) first() Unit { return g.sources[0].units[0] }
func (g group) last() Unit {
	s := g.sources[len(g.sources)-1]
	return s.units[len(s.units)-1]
}

// Merge compacts the part files of the complete run in dir (see the
// comment at the top of merge.go for the layout and the crash-safe order of
// operations). Running it again is a no-op unless MaxRows asks for another
// layout; it first finishes a merge that was interrupted after its commit
// point.
func Merge(dir string, o MergeOptions) (rep MergeReport, err error) {
	if o.MaxRows < 0 {
		return rep, fmt.Errorf("--max-rows must be 0 (no limit) or a positive count, got %d", o.MaxRows)
	}
	man, err := ReadManifest(dir)
	if err != nil {
		return rep, err
	}
	lk, err := lockDir(dir, exclusive)
	if errors.Is(err, errLocked) {
		return rep, fmt.Errorf("%s is in use by mc run or another mc merge (they hold %s): wait for it to finish, then merge", dir, filepath.Join(dir, dirLockName))
	}
	if err != nil {
		return rep, err
	}
	defer lk.Unlock()
	if MergePending(dir) {
		if err := finishMerge(dir, o); err != nil {
			return rep, err
		}
		rep.Finished = true
		if man, err = ReadManifest(dir); err != nil {
			return rep, err
		}
	}
	stage := filepath.Join(dir, mergeDir)
	if err := os.RemoveAll(stage); err != nil {
		return rep, err
	}

	if err := checkCurrent(dir, man, "merged"); err != nil {
		return rep, err
	}
	p := planOf(man)
	rep.Parts = p.NumParts()
	rep.Rows = map[string]int64{}
	rep.Generation = man.Generation
	chk := newChecker(dir)
	var bad []PartStatus
	for _, u := range p.Units() {
		if st := chk.check(p, u, true); st.State != Done {
			bad = append(bad, st)
		}
	}
	if len(bad) > 0 {
		b := bad[0]
		return rep, fmt.Errorf("%s is incomplete: %d of %d parts are not done (first: %s condition=%s part %d%s); finish it with mc run ... --out %s --resume, then merge",
			dir, len(bad), rep.Parts, b.State, b.Condition, b.Chunk, why(b.Why), dir)
	}

	// Plan the new layout of every condition and table.
	type condPlan struct {
		name    string
		units   []Unit
		recs    []PartRecord
		kinds   []results.Kind
		groups  map[results.Kind][]group
		changed bool
	}
	var plans []*condPlan
	for ci, c := range p.Conditions {
		cp := &condPlan{name: c.Name, groups: map[results.Kind][]group{}}
		for _, u := range p.Units() {
			if u.Cond == ci {
				cp.units = append(cp.units, u)
			}
		}
		for _, u := range cp.units {
			rec, _, err := readRecord(dir, c.Name, u.Chunk)
			if err != nil {
				return rep, err
			}
			cp.recs = append(cp.recs, rec)
		}
		if cp.kinds, err = recordKinds(cp.recs); err != nil {
			return rep, fmt.Errorf("%s: condition %s: %w", dir, c.Name, err)
		}
		for _, k := range cp.kinds {
			srcs, err := sources(dir, k, c.Name, cp.units, cp.recs)
			if err != nil {
				return rep, err
			}
			rep.FilesBefore += len(srcs)
			for _, s := range srcs {
				rep.Rows[k.String()] += s.rows
			}
			gs := groupSources(srcs, o.MaxRows)
			rep.FilesAfter += len(gs)
			if len(gs) != len(srcs) {
				cp.changed = true
			}
			cp.groups[k] = gs
		}
		plans = append(plans, cp)
	}
	var todo []*condPlan
	for _, cp := range plans {
		if cp.changed {
			todo = append(todo, cp)
		}
	}
	if len(todo) == 0 {
		rep.Unchanged = true
		return rep, nil
	}
	rep.Conditions = len(todo)

	// 2. Stage. On an error before the commit point the staging area goes.
	committed := false
	defer func() {
		if err != nil && !committed && !errors.Is(err, errCrash) {
			os.RemoveAll(stage)
		}
	}()
	now := time.Now().UTC().Format(time.RFC3339)
	for _, cp := range todo {
		for _, k := range cp.kinds {
			if err := checkOnlyParts(results.ConditionDir(dir, k, cp.name), ".parquet"); err != nil {
				return rep, err
			}
			sdir := filepath.Join(stage, "new", k.Dir(), "condition="+cp.name)
			for i := range cp.groups[k] {
				g := &cp.groups[k][i]
				if err := stageGroup(dir, sdir, k, cp.name, g, now); err != nil {
					return rep, err
				}
			}
		}
		if err := checkOnlyParts(filepath.Join(dir, partsDir, "condition="+cp.name), ".json"); err != nil {
			return rep, err
		}
		for i, rec := range cp.recs {
			chunk := cp.units[i].Chunk
			tables := append([]TableFile(nil), rec.Tables...)
			for j := range tables {
				k, _ := results.ParseKind(tables[j].Table) // checked by recordKinds
				g := groupOf(cp.groups[k], chunk)
				name := g.name
				if name == partName(chunk) {
					name = ""
				}
				tables[j].File, tables[j].SHA256 = name, g.sum
			}
			rec.Tables = tables
			b, _ := json.MarshalIndent(rec, "", "  ")
			path := filepath.Join(stage, "new", partsDir, "condition="+cp.name, filepath.Base(recordPath(dir, cp.name, chunk)))
			if err := writeFileAtomic(path, append(b, '\n')); err != nil {
				return rep, err
			}
		}
		if err := o.step("staged " + cp.name); err != nil {
			return rep, err
		}
	}

	// 3. Commit.
	j := mergeJournal{Generation: man.Generation + 1, Started: now}
	for _, cp := range todo {
		j.Conditions = append(j.Conditions, cp.name)
	}
	b, _ := json.MarshalIndent(j, "", "  ")
	if err := writeFileAtomic(filepath.Join(stage, journalName), append(b, '\n')); err != nil {
		return rep, err
	}
	committed = true
	if err := o.step("committed"); err != nil {
		return rep, err
	}

	// 4–6. Swap, manifest, clean up.
	if err := finishMerge(dir, o); err != nil {
		return rep, err
	}
	rep.Generation = j.Generation
	return rep, nil
}

// partName is the file name of part chunk before any merge.
func partName(chunk int) string { return fmt.Sprintf("part-%05d.parquet", chunk) }

// sources lists the files that hold a condition's table, in part order,
// with their row counts.
func sources(dir string, k results.Kind, cond string, units []Unit, recs []PartRecord) ([]source, error) {
	var out []source
	seen := map[string]bool{}
	for i, rec := range recs {
		path, err := rec.file(dir, k, cond, units[i].Chunk)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(path)
		t, _ := rec.table(k)
		sum := t.SHA256
		if n := len(out); n > 0 && out[n-1].name == name {
			if out[n-1].sum != sum {
				return nil, fmt.Errorf("%s: the completion records of parts %d and %d give %s different checksums", dir, out[n-1].units[0].Chunk, units[i].Chunk, name)
			}
			out[n-1].units = append(out[n-1].units, units[i])
			continue
		}
		if seen[name] {
			return nil, fmt.Errorf("%s: %s holds parts that are not consecutive", dir, path)
		}
		seen[name] = true
		out = append(out, source{name: name, sum: sum, units: []Unit{units[i]}})
	}
	for i := range out {
		f, err := results.Open(filepath.Join(results.ConditionDir(dir, k, cond), out[i].name))
		if err != nil {
			return nil, err
		}
		out[i].rows = f.NumRows()
		f.Close()
	}
	return out, nil
}

// groupSources packs consecutive sources into groups of at most maxRows
// rows (0: no limit); a source larger than maxRows is a group of its own.
func groupSources(srcs []source, maxRows int64) []group {
	var gs []group
	for _, s := range srcs {
		if n := len(gs); n > 0 && (maxRows == 0 || gs[n-1].rows+s.rows <= maxRows) {
			gs[n-1].sources = append(gs[n-1].sources, s)
			gs[n-1].rows += s.rows
			continue
		}
		gs = append(gs, group{sources: []source{s}, rows: s.rows})
	}
	for i := range gs {
		g := &gs[i]
		if len(g.sources) == 1 {
			g.name, g.sum = g.sources[0].name, g.sources[0].sum
		} else {
			g.name = fmt.Sprintf("part-%05d-%05d.parquet", g.first().Chunk, g.last().Chunk)
		}
	}
	return gs
}

// groupOf returns the group that holds part chunk.
func groupOf(gs []group, chunk int) group {
	for _, g := range gs {
		if chunk >= g.first().Chunk && chunk <= g.last().Chunk {
			return g
		}
	}
	panic(fmt.Sprintf("batch: no merged file holds part %d", chunk))
}

// checkOnlyParts refuses to merge a directory that holds files other than
// parts (ext) and hidden files (temporary files of interrupted writes, set
// aside corrupt files): the swap would drop them.
func checkOnlyParts(dir, ext string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") || (strings.HasPrefix(n, "part-") && strings.HasSuffix(n, ext) && e.Type().IsRegular()) {
			continue
		}
		return fmt.Errorf("%s holds %s, which is not a part of the run: move it elsewhere before merging", dir, n)
	}
	return nil
}

// stageGroup writes the merged file of one group into sdir (a hard link
// when the group is a single file) and sets g.sum. The merged file keeps
// the metadata of the group's first file, with the replicate range, the
// task, version and commit lists and the creation time updated.
func stageGroup(dir, sdir string, k results.Kind, cond string, g *group, now string) error {
	cdir := results.ConditionDir(dir, k, cond)
	dst := filepath.Join(sdir, g.name)
	if len(g.sources) == 1 {
		if err := os.MkdirAll(sdir, 0o755); err != nil {
			return err
		}
		return linkOrCopy(filepath.Join(cdir, g.name), dst)
	}
	// Footers first: check that the files fit together, gather metadata.
	var fields []results.Field
	meta := map[string]string{}
	var tasks, versions, commits []string
	for i, s := range g.sources {
		f, err := results.Open(filepath.Join(cdir, s.name))
		if err != nil {
			return err
		}
		m := f.Meta()
		if i == 0 {
			fields = f.Fields()
			for key, v := range m {
				if key != results.MetaColumns && key != results.MetaKind {
					meta[key] = v
				}
			}
		} else if err := sameTable(f, g.sources[0].name, fields, meta); err != nil {
			f.Close()
			return err
		}
		f.Close()
		tasks = addDistinct(tasks, m[results.MetaTask])
		versions = addDistinct(versions, m[results.MetaVersion])
		commits = addDistinct(commits, m[results.MetaCommit])
		if m[results.MetaSnapshotSubsampled] == "true" {
			meta[results.MetaSnapshotSubsampled] = "true"
		}
	}
	first, last := g.first(), g.last()
	meta[results.MetaReplicates] = fmt.Sprintf("%d-%d", first.First, last.End-1)
	meta[results.MetaCreated] = now
	meta[results.MetaTask] = strings.Join(tasks, ",")
	meta[results.MetaVersion] = strings.Join(versions, ",")
	meta[results.MetaCommit] = strings.Join(commits, ",")
	meta[MetaMergedFrom] = fmt.Sprintf("%d files: %s ... %s", len(g.sources), g.sources[0].name, g.sources[len(g.sources)-1].name)

	w, err := results.CreateFields(dst, k, fields, meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	var rows int64
	for _, s := range g.sources {
		f, err := results.Open(filepath.Join(cdir, s.name))
		if err != nil {
			return err
		}
		err = f.ScanRows(func(row []results.Value) error {
			rows++
			return w.WriteRow(row...)
		})
		f.Close()
		if err != nil {
			return err
		}
	}
	if rows != g.rows {
		return fmt.Errorf("merging into %s: read %d rows, the files' footers say %d", g.name, rows, g.rows)
	}
	if err := w.Close(); err != nil {
		return err
	}
	f, err := results.Open(dst)
	if err != nil {
		return err
	}
	n := f.NumRows()
	f.Close()
	if n != g.rows {
		return fmt.Errorf("merged file %s has %d rows, want %d", dst, n, g.rows)
	}
	g.sum, err = results.Checksum(dst)
	return err
}

// MetaMergedFrom is the metadata key of a merged file that says which
// files it was merged from.
const MetaMergedFrom = "reuptake.merged_from"

func addDistinct(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// sameTable checks that f can be appended to a merged file that starts
// with the file first (columns cols, metadata meta): same columns, model,
// seed and condition.
func sameTable(f *results.File, first string, cols []results.Field, meta map[string]string) error {
	got := f.Fields()
	if len(got) != len(cols) {
		return fmt.Errorf("cannot merge %s: %d columns, %s has %d", f.Path(), len(got), first, len(cols))
	}
	for i := range cols {
		if got[i].Name != cols[i].Name || got[i].Type != cols[i].Type {
			return fmt.Errorf("cannot merge %s: column %d is %q %s, in %s it is %q %s", f.Path(), i, got[i].Name, got[i].Type, first, cols[i].Name, cols[i].Type)
		}
	}
	for _, key := range []string{results.MetaModelHash, results.MetaSeed, results.MetaCondition} {
		if v, _ := f.Lookup(key); v != meta[key] {
			return fmt.Errorf("cannot merge %s: %s is %q, in %s it is %q", f.Path(), key, v, first, meta[key])
		}
	}
	return nil
}

// linkOrCopy makes dst a hard link to src, or a synced copy where links
// are not supported.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.Write(dst, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// finishMerge performs steps 4–6 of a committed merge; it is idempotent.
func finishMerge(dir string, o MergeOptions) error {
	stage := filepath.Join(dir, mergeDir)
	b, err := os.ReadFile(filepath.Join(stage, journalName))
	if err != nil {
		return err
	}
	var j mergeJournal
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("%s: corrupt merge journal: %v", filepath.Join(stage, journalName), err)
	}
	for _, cond := range j.Conditions {
		if err := results.ValidCondition(cond); err != nil {
			return fmt.Errorf("merge journal: %w", err)
		}
		for _, sub := range tableDirs() {
			rel := filepath.Join(sub, "condition="+cond)
			live, staged, old := filepath.Join(dir, rel), filepath.Join(stage, "new", rel), filepath.Join(stage, "old", rel)
			if !exists(staged) {
				continue // swapped already
			}
			if exists(live) {
				if exists(old) {
					return fmt.Errorf("cannot finish the merge of %s: %s, %s and %s all exist", dir, live, staged, old)
				}
				if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
					return err
				}
				if err := renameSync(live, old); err != nil {
					return err
				}
				if err := o.step("moved old " + rel); err != nil {
					return err
				}
			}
			if err := renameSync(staged, live); err != nil {
				return err
			}
			if err := o.step("moved new " + rel); err != nil {
				return err
			}
		}
	}
	man, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	man.Format = ManifestFormat
	man.Generation = j.Generation
	man.Merged = time.Now().UTC().Format(time.RFC3339)
	mb, _ := json.MarshalIndent(man, "", "  ")
	if err := writeFileAtomic(filepath.Join(dir, "manifest.json"), append(mb, '\n')); err != nil {
		return err
	}
	if err := o.step("manifest"); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(stage, "old")); err != nil {
		return err
	}
	if err := o.step("removed old"); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(stage, journalName)); err != nil {
		return err
	}
	if err := atomicfile.SyncDir(stage); err != nil {
		return err
	}
	return os.RemoveAll(stage)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// renameSync renames and syncs both parent directories.
func renameSync(from, to string) error { return atomicfile.Rename(from, to) }

// mergedFile is a merged file of a run: part-<first>-<last>.parquet.
type mergedFile struct {
	path        string
	first, last int
}

var mergedName = regexp.MustCompile(`^part-(\d+)-(\d+)\.parquet$`)

// mergedIndex finds the merged files that hold a part, listing each
// condition's directories once.
type mergedIndex struct {
	dir   string
	files map[string][]mergedFile // by condition
}

func newMergedIndex(dir string) *mergedIndex {
	return &mergedIndex{dir: dir, files: map[string][]mergedFile{}}
}

func (x *mergedIndex) list(cond string) []mergedFile {
	if fs, ok := x.files[cond]; ok {
		return fs
	}
	var fs []mergedFile
	for _, k := range results.Kinds() {
		cdir := results.ConditionDir(x.dir, k, cond)
		entries, _ := os.ReadDir(cdir)
		for _, e := range entries {
			m := mergedName.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			first, err1 := strconv.Atoi(m[1])
			last, err2 := strconv.Atoi(m[2])
			if err1 == nil && err2 == nil {
				fs = append(fs, mergedFile{filepath.Join(cdir, e.Name()), first, last})
			}
		}
	}
	x.files[cond] = fs
	return fs
}

// setAside is called by Run before it recomputes a part that is missing or
// corrupt: the merged files that hold the part (by their names) are renamed
// to hidden names (".<name>.corrupt"), so that the recomputed part files do
// not duplicate rows under a glob; it returns how many it set aside. The
// other parts those files held then show as corrupt (file missing) and are
// recomputed too. (Another task resuming the same merged run at the same
// time may have found such a part done before the file was set aside; mc
// status then shows it missing, and another resume computes it.)
func (x *mergedIndex) setAside(cond string, chunk int) (int, error) {
	fs := x.list(cond)
	var kept []mergedFile
	n := 0
	for _, f := range fs {
		if chunk < f.first || chunk > f.last {
			kept = append(kept, f)
			continue
		}
		if err := renameSync(f.path, filepath.Join(filepath.Dir(f.path), "."+filepath.Base(f.path)+".corrupt")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, err
		}
		n++
	}
	x.files[cond] = kept
	return n, nil
}

// why formats an optional reason.
func why(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// tableDirs lists the sub-directories of a run that a merge swaps: one per
// table kind, and the completion records.
func tableDirs() []string {
	var out []string
	for _, k := range results.Kinds() {
		out = append(out, k.Dir())
	}
	return append(out, partsDir)
}

// recordKinds returns the tables the completion records of a condition
// list, which must be the same for every part.
func recordKinds(recs []PartRecord) ([]results.Kind, error) {
	var kinds []results.Kind
	for i, rec := range recs {
		var ks []results.Kind
		for _, t := range rec.AllTables() {
			k, err := results.ParseKind(t.Table)
			if err != nil {
				return nil, fmt.Errorf("completion record of part %d: %w", rec.Chunk, err)
			}
			ks = append(ks, k)
		}
		if i == 0 {
			kinds = ks
		} else if !slices.Equal(ks, kinds) {
			return nil, fmt.Errorf("the completion records of parts %d and %d list different tables (%v, %v)", recs[0].Chunk, rec.Chunk, kinds, ks)
		}
	}
	return kinds, nil
}
