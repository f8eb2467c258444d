package view

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// Table names of the per-molecule and per-site tables of a run
// (<run>/<table>/condition=<c>/part-NNNNN.parquet).
const (
	TableSnapshots = "snapshots"
	TableSites     = "sites"
)

// SnapshotsFlag is the mc run flag that writes the snapshots table, as the
// viewer tells a user whose run has none.
const SnapshotsFlag = "--snapshots 50us"

// SnapshotRow is one row of the snapshots table: a free molecule at a
// snapshot time.
type SnapshotRow struct {
	Replicate int64   `parquet:"replicate"`
	T         float64 `parquet:"t_ms"`
	Molecule  int64   `parquet:"molecule"`
	Species   string  `parquet:"species"`
	Region    string  `parquet:"region"`
	X         float64 `parquet:"x_um"`
	Y         float64 `parquet:"y_um"`
	Z         float64 `parquet:"z_um"`
}

// SiteRow is one row of the sites table: a site's state at a snapshot
// time.
type SiteRow struct {
	Replicate int64   `parquet:"replicate"`
	T         float64 `parquet:"t_ms"`
	Site      int64   `parquet:"site"`
	SiteType  string  `parquet:"site_type"`
	State     string  `parquet:"state"`
	X         float64 `parquet:"x_um"`
	Y         float64 `parquet:"y_um"`
	Z         float64 `parquet:"z_um"`
}

// RunData is what the page draws of a run beyond the geometry: the
// molecules and site states of one replicate at each snapshot time.
type RunData struct {
	Dir        string   `json:"dir"`
	Condition  string   `json:"condition"`
	Replicate  int      `json:"replicate"`
	Conditions []string `json:"conditions"`
	Replicates []int    `json:"replicates"`
	// Times are the frames' times, ms (TimesMS at full precision).
	Times   F32       `json:"times"`
	TimesMS []float64 `json:"-"`
	// MolStart[f]..MolStart[f+1] are the molecules drawn in frame f.
	MolStart   U32    `json:"molStart"`
	MolPos     F32    `json:"molPos"`     // 3 per molecule, µm
	MolSpecies []byte `json:"molSpecies"` // index into Scene.Species
	// MolRows is the number of rows of the snapshots table at each frame
	// (the molecules the run wrote, before the viewer's cap).
	MolRows []int `json:"molRows"`
	// SiteStates holds, when the run has a sites table, the state of each
	// site (index into its type's states) at each frame: frame-major.
	SiteStates []byte `json:"siteStates,omitempty"`
	// Snapshots says whether the run has a snapshots table.
	Snapshots bool     `json:"snapshots"`
	Notes     []string `json:"notes"`
}

// Caps bound what the page holds.
type Caps struct {
	PerFrame int // molecules drawn per frame at most
	Total    int // molecules held over all frames at most
}

// DefaultCaps keep a page of a large run within tens of MB.
func DefaultCaps() Caps { return Caps{PerFrame: 20000, Total: 2000000} }

// RunOptions selects what of a run to show.
type RunOptions struct {
	Condition string // "" for the first
	Replicate int    // -1 for the first present
	Caps      Caps
	// ModelFile, when set, is read for the geometry instead of the model
	// text in the run's files (with the condition's overrides).
	ModelFile string
}

// partFiles lists the part files of a table and condition, sorted.
func partFiles(dir, table, cond string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, table, "condition="+cond, "part-*.parquet"))
	sort.Strings(files)
	return files
}

// runConditions lists the conditions of a run: from its manifest, or from
// the partition directories of its tables.
func runConditions(dir string) ([]string, map[string][]string, error) {
	overrides := map[string][]string{}
	if man, err := batch.ReadManifest(dir); err == nil {
		var out []string
		for _, c := range man.Conditions {
			out = append(out, c.Name)
			overrides[c.Name] = c.Overrides
		}
		return out, overrides, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, table := range []string{"timeseries", "summary", TableSnapshots, TableSites} {
		ds, _ := filepath.Glob(filepath.Join(dir, table, "condition=*"))
		for _, d := range ds {
			c := strings.TrimPrefix(filepath.Base(d), "condition=")
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("%s is not a run directory: no manifest.json and no <table>/condition=*/ folders (make one with mc run --out %s)", dir, dir)
	}
	sort.Strings(out)
	return out, overrides, nil
}

// openPart opens a part file and checks it has the named columns.
func openPart(path string, cols ...string) (*parquet.File, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s is not a readable Parquet file (%v): the run may be incomplete or damaged; finish it with mc run --resume or rerun it", path, err)
	}
	var missing []string
	for _, c := range cols {
		if _, ok := pf.Schema().Lookup(c); !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		f.Close()
		return nil, nil, fmt.Errorf("%s lacks the column(s) %s: not a table the viewer reads", path, strings.Join(missing, ", "))
	}
	return pf, f, nil
}

// replicateRange parses the reuptake.replicates metadata "a-b".
func replicateRange(pf *parquet.File) (lo, hi int, ok bool) {
	v, found := pf.Lookup(results.MetaReplicates)
	if !found {
		return 0, 0, false
	}
	a, b, cut := strings.Cut(v, "-")
	if !cut {
		return 0, 0, false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	return x, y, err1 == nil && err2 == nil && x <= y
}

// readRows reads the rows of replicate rep from the part files (all rows
// when rep < 0), calling keep for each. Files whose replicate range
// excludes rep are skipped.
func readRows[T any](files []string, cols []string, rep int, repOf func(*T) int64, keep func(*T)) error {
	for _, path := range files {
		if err := readFile(path, cols, rep, repOf, keep); err != nil {
			return err
		}
	}
	return nil
}

func readFile[T any](path string, cols []string, rep int, repOf func(*T) int64, keep func(*T)) (err error) {
	pf, f, err := openPart(path, cols...)
	if err != nil {
		return err
	}
	defer f.Close()
	if lo, hi, ok := replicateRange(pf); ok && rep >= 0 && (rep < lo || rep > hi) {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: cannot read its rows (%v): the run may be damaged", path, r)
		}
	}()
	r := parquet.NewGenericReader[T](pf)
	defer r.Close()
	buf := make([]T, 4096)
	for {
		n, rerr := r.Read(buf)
		for i := 0; i < n; i++ {
			if rep < 0 || repOf(&buf[i]) == int64(rep) {
				keep(&buf[i])
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("%s: %v: the run may be damaged", path, rerr)
		}
	}
}

// The columns of the snapshots and sites tables the viewer reads.
func snapshotCols() []string {
	return []string{"replicate", "t_ms", "molecule", "species", "region", "x_um", "y_um", "z_um"}
}

func siteCols() []string {
	return []string{"replicate", "t_ms", "site", "site_type", "state", "x_um", "y_um", "z_um"}
}

// modelOfRun finds the model text of a condition in the metadata of the
// run's files (any table) and its seed.
func modelOfRun(dir, cond string) (src string, seed uint64, from string, err error) {
	for _, table := range []string{TableSnapshots, TableSites, "timeseries", "summary"} {
		for _, path := range partFiles(dir, table, cond) {
			pf, f, err := openPart(path)
			if err != nil {
				return "", 0, path, err
			}
			src, ok := pf.Lookup(results.MetaModel)
			s, _ := pf.Lookup(results.MetaSeed)
			f.Close()
			if ok && src != "" {
				seed, _ := strconv.ParseUint(s, 10, 64)
				return src, seed, path, nil
			}
		}
	}
	return "", 0, "", fmt.Errorf("run %s, condition %s: no part file holds the model (%s metadata): the run is empty or incomplete", dir, cond, results.MetaModel)
}

// FromRun builds the scene of a run directory: the geometry of the
// condition's model, and the molecules and site states of one replicate
// from its snapshots and sites tables. A run without snapshots gives the
// geometry and a note naming the flag that writes them.
func FromRun(dir string, o RunOptions) (*Scene, error) {
	conds, overrides, err := runConditions(dir)
	if err != nil {
		return nil, err
	}
	cond := o.Condition
	if cond == "" {
		cond = conds[0]
	} else if !contains(conds, cond) {
		return nil, fmt.Errorf("run %s has no condition %q (conditions: %s)", dir, cond, strings.Join(conds, ", "))
	}
	src, seed, from, err := modelOfRun(dir, cond)
	if err != nil {
		return nil, err
	}
	file, data := from+" ("+results.MetaModel+")", []byte(src)
	if o.ModelFile != "" {
		if data, err = os.ReadFile(o.ModelFile); err != nil {
			return nil, err
		}
		file = o.ModelFile
	}
	m, err := modelfile.LoadBytes(file, data, overrides[cond]...)
	if err != nil {
		if o.ModelFile != "" {
			return nil, fmt.Errorf("run %s, condition %s: %w", dir, cond, err)
		}
		return nil, fmt.Errorf("run %s, condition %s: the model in its files does not compile here (%w); if it reads a mask file by a relative path, give the model file with --model", dir, cond, err)
	}
	name := m.Spec.Name
	if name == "" {
		name = filepath.Base(dir)
	}
	snaps := partFiles(dir, TableSnapshots, cond)
	sites := partFiles(dir, TableSites, cond)
	rd := &RunData{Dir: dir, Condition: cond, Conditions: conds, Snapshots: len(snaps) > 0}

	// Replicates present in the snapshots (or sites) table.
	present := map[int]bool{}
	countFrom := snaps
	if len(countFrom) == 0 {
		countFrom = sites
	}
	for _, path := range countFrom {
		pf, f, err := openPart(path, "replicate")
		if err != nil {
			return nil, err
		}
		lo, hi, ok := replicateRange(pf)
		f.Close()
		if ok {
			for r := lo; r <= hi; r++ {
				present[r] = true
			}
			continue
		}
		type repRow struct {
			Replicate int64 `parquet:"replicate"`
		}
		if err := readFile(path, []string{"replicate"}, -1, nil, func(r *repRow) { present[int(r.Replicate)] = true }); err != nil {
			return nil, err
		}
	}
	if len(countFrom) == 0 {
		// No per-molecule tables: the replicates of the manifest.
		if man, err := batch.ReadManifest(dir); err == nil {
			for r := 0; r < man.Replicates; r++ {
				present[r] = true
			}
		}
	}
	for r := range present {
		rd.Replicates = append(rd.Replicates, r)
	}
	sort.Ints(rd.Replicates)
	rep := o.Replicate
	if rep < 0 {
		rep = 0
		if len(rd.Replicates) > 0 {
			rep = rd.Replicates[0]
		}
	} else if len(rd.Replicates) > 0 && !present[rep] {
		return nil, fmt.Errorf("run %s, condition %s has no replicate %d (replicates: %s)", dir, cond, rep, ranges(rd.Replicates))
	}
	rd.Replicate = rep

	title := fmt.Sprintf("%s — %s, condition %s, replicate %d", name, filepath.Base(filepath.Clean(dir)), cond, rep)
	s, err := FromModel(m, title, dir, seed, rep)
	if err != nil {
		return nil, err
	}
	s.Run = rd
	if !rd.Snapshots {
		rd.Notes = append(rd.Notes, fmt.Sprintf("this run has no snapshots table: rerun with mc run %s (or another interval) to record the molecules; showing the geometry only", SnapshotsFlag))
	}
	caps := o.Caps
	if caps.PerFrame <= 0 {
		caps = DefaultCaps()
	}
	if err := loadFrames(s, snaps, sites, rep, caps); err != nil {
		return nil, err
	}
	return s, nil
}

// loadFrames reads the snapshots and sites of replicate rep into s.Run.
func loadFrames(s *Scene, snaps, sites []string, rep int, caps Caps) error {
	rd := s.Run
	type frame struct {
		rows []SnapshotRow
	}
	// Frames are keyed by time rounded to 1 fs, so that the two tables'
	// times of one snapshot meet even if computed slightly differently.
	key := func(t float64) float64 { return math.Round(t*1e12) / 1e12 }
	frames := map[float64]*frame{}
	get := func(t float64) *frame {
		f := frames[key(t)]
		if f == nil {
			f = &frame{}
			frames[key(t)] = f
		}
		return f
	}
	subsampled := ""
	for _, path := range snaps {
		pf, f, err := openPart(path, snapshotCols()...)
		if err != nil {
			return err
		}
		if v, ok := pf.Lookup("reuptake.snapshot_subsampled"); ok && v != "" && v != "false" && v != "0" {
			c, _ := pf.Lookup("reuptake.snapshot_cap")
			subsampled = c
		}
		f.Close()
	}
	if subsampled != "" {
		rd.Notes = append(rd.Notes, fmt.Sprintf("the run kept at most %s molecules per snapshot (uniformly subsampled): counts here are of the kept rows", subsampled))
	}
	if err := readRows(snaps, snapshotCols(), rep, func(r *SnapshotRow) int64 { return r.Replicate }, func(r *SnapshotRow) {
		f := get(r.T)
		f.rows = append(f.rows, *r)
	}); err != nil {
		return err
	}
	// Site states: per time, per site index.
	type siteFrame map[int64]SiteRow
	siteFrames := map[float64]siteFrame{}
	if err := readRows(sites, siteCols(), rep, func(r *SiteRow) int64 { return r.Replicate }, func(r *SiteRow) {
		sf := siteFrames[key(r.T)]
		if sf == nil {
			sf = siteFrame{}
			siteFrames[key(r.T)] = sf
		}
		sf[r.Site] = *r
		get(r.T)
	}); err != nil {
		return err
	}
	times := make([]float64, 0, len(frames))
	for t := range frames {
		times = append(times, t)
	}
	sort.Float64s(times)
	total := 0
	for _, t := range times {
		total += len(frames[t].rows)
	}
	perFrame := caps.PerFrame
	if len(times) > 0 && total > caps.Total {
		perFrame = min(perFrame, max(1, caps.Total/len(times)))
	}
	spIndex := map[string]int{}
	for i, n := range s.Species {
		spIndex[n] = i
	}
	capped := 0
	rd.MolStart = append(rd.MolStart, 0)
	for _, t := range times {
		rows := frames[t].rows
		sort.Slice(rows, func(i, j int) bool { return rows[i].Molecule < rows[j].Molecule })
		rd.Times = append(rd.Times, float32(t))
		rd.TimesMS = append(rd.TimesMS, t)
		rd.MolRows = append(rd.MolRows, len(rows))
		n := len(rows)
		if n > perFrame {
			capped = max(capped, n)
			n = perFrame
		}
		for k := 0; k < n; k++ {
			r := rows[k]
			if n < len(rows) { // uniform subsample: every (len/n)-th row
				r = rows[int(int64(k)*int64(len(rows))/int64(n))]
			}
			sp, ok := spIndex[r.Species]
			if !ok {
				if len(s.Species) >= maxIndex {
					return fmt.Errorf("snapshots: more than %d species", maxIndex)
				}
				sp = len(s.Species)
				s.Species = append(s.Species, r.Species)
				spIndex[r.Species] = sp
			}
			rd.MolPos = append(rd.MolPos, float32(r.X), float32(r.Y), float32(r.Z))
			rd.MolSpecies = append(rd.MolSpecies, byte(sp))
		}
		rd.MolStart = append(rd.MolStart, uint32(len(rd.MolSpecies)))
	}
	if capped > 0 {
		rd.Notes = append(rd.Notes, fmt.Sprintf("drawing at most %d molecules per frame (up to %d in the run): a uniform subsample", perFrame, capped))
	}
	if len(siteFrames) == 0 {
		if len(sites) == 0 && rd.Snapshots {
			rd.Notes = append(rd.Notes, "no sites table: sites keep their initial states")
		}
		return nil
	}
	return siteStates(s, times, siteFrames)
}

// maxSiteStates bounds the site states (one byte per site and frame) a
// page holds.
const maxSiteStates = 48 << 20

// siteStates replaces the scene's sites by those of the sites table and
// fills the state of each site at each frame (carrying the last known
// state forward over frames without a row).
func siteStates[M ~map[int64]SiteRow](s *Scene, times []float64, frames map[float64]M) error {
	rd := s.Run
	// Sites and positions from the earliest frame with rows.
	var first M
	for _, t := range times {
		if f, ok := frames[t]; ok {
			first = f
			break
		}
	}
	n := 0
	for id := range first {
		if id < 0 {
			return fmt.Errorf("sites table: negative site index %d", id)
		}
		n = max(n, int(id)+1)
	}
	typeIndex := map[string]int{}
	stateIndex := make([]map[string]int, len(s.SiteTypes))
	for i, st := range s.SiteTypes {
		typeIndex[st.Name] = i
		stateIndex[i] = map[string]int{}
		for j, n := range st.States {
			stateIndex[i][n] = j
		}
	}
	s.SitePos = make(F32, 3*n)
	s.SiteType = make([]byte, n)
	s.SiteState = make([]byte, n)
	for id, r := range first {
		ty, ok := typeIndex[r.SiteType]
		if !ok {
			return fmt.Errorf("sites table: site type %q is not in the model (types: %s)", r.SiteType, typeNames(s.SiteTypes))
		}
		s.SitePos[3*id], s.SitePos[3*id+1], s.SitePos[3*id+2] = float32(r.X), float32(r.Y), float32(r.Z)
		s.SiteType[id] = byte(ty)
		st, ok := stateIndex[ty][r.State]
		if !ok {
			return fmt.Errorf("sites table: state %q is not a state of %s (states: %s)", r.State, r.SiteType, strings.Join(s.SiteTypes[ty].States, ", "))
		}
		s.SiteState[id] = byte(st)
	}
	s.SitesNote = fmt.Sprintf("sites of replicate %d as the run placed them", rd.Replicate)
	if n*len(times) > maxSiteStates {
		rd.Notes = append(rd.Notes, fmt.Sprintf("the sites' states over time are left out: %d sites × %d frames is more than the page holds (%d); sites show their first recorded state", n, len(times), maxSiteStates))
		return nil
	}
	cur := make([]byte, n)
	for i := range cur {
		cur[i] = math.MaxUint8
	}
	for _, t := range times {
		for id, r := range frames[t] {
			if int(id) >= n {
				continue
			}
			ty := int(s.SiteType[id])
			st, ok := stateIndex[ty][r.State]
			if !ok {
				return fmt.Errorf("sites table: state %q is not a state of %s (states: %s)", r.State, r.SiteType, strings.Join(s.SiteTypes[ty].States, ", "))
			}
			cur[id] = byte(st)
		}
		rd.SiteStates = append(rd.SiteStates, cur...)
	}
	return nil
}

func typeNames(ts []SiteType) string {
	var n []string
	for _, t := range ts {
		n = append(n, t.Name)
	}
	return strings.Join(n, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ranges writes sorted integers as "0-3, 7".
func ranges(v []int) string {
	var parts []string
	for i := 0; i < len(v); {
		j := i
		for j+1 < len(v) && v[j+1] == v[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(v[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", v[i], v[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
