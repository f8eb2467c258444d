package analysis

import (
	"errors"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// Load reads the given results files (see Resolve) and aggregates them per
// condition in bounded memory: the files are streamed row by row, several
// at a time (LoadOptions.Workers), and what is kept grows with the number
// of sample times and of replicates, not with the number of rows. Only the
// time series of the clearance observable and of currents (pA) are kept per
// replicate, and only for the files being read, to fit each replicate's
// clearance time constant and integrate its charge.
//
// Every file is checked before any is read: unreadable, empty (no rows)
// and corrupt files are reported together (BadFilesError) unless SkipBad;
// files of one condition written from different models (MixedModelsError),
// observables and conditions not present (MissingObservableError,
// MissingConditionError) and a replicate present in two files of a
// condition (DuplicateReplicateError) are errors. The condition of a file
// is its condition=<c> directory, else its results.MetaCondition metadata,
// else "default". Rows of one replicate must all be in one file; they may
// be in any order.
func Load(srcs []Source, opts LoadOptions) (*Dataset, error) {
	ds := &Dataset{}
	var bad []BadFile
	var hdrs []*fileHeader
	// Conditions asked for, matched against the names the paths show (and,
	// below, the metadata).
	var pathConds []string
	for _, s := range srcs {
		if s.Condition != "" {
			pathConds = append(pathConds, s.Condition)
		}
	}
	wanted, _ := ResolveConditions(opts.Conditions, pathConds)
	want := map[string]bool{}
	for _, c := range wanted {
		want[c] = true
	}
	present := map[string]bool{}
	for i, s := range srcs {
		if len(opts.Conditions) > 0 && s.Condition != "" && !want[s.Condition] {
			present[s.Condition] = true // not read, not checked
			continue
		}
		h, err := readHeader(s, i)
		if err != nil {
			bad = append(bad, BadFile{Path: s.Path, Err: err})
			continue
		}
		hdrs = append(hdrs, h)
	}
	if len(bad) > 0 && !opts.SkipBad {
		return nil, &BadFilesError{Files: bad}
	}
	ds.Skipped = bad

	// Conditions.
	for _, h := range hdrs {
		present[h.cond] = true
	}
	if len(opts.Conditions) > 0 {
		resolved, missing := ResolveConditions(opts.Conditions, sortedKeys(present))
		if len(missing) > 0 {
			return nil, &MissingConditionError{Missing: missing, Present: sortedKeys(present)}
		}
		want := map[string]bool{}
		for _, c := range resolved {
			want[c] = true
		}
		kept := hdrs[:0]
		for _, h := range hdrs {
			if want[h.cond] {
				kept = append(kept, h)
			}
		}
		hdrs = kept
	}
	if len(hdrs) == 0 {
		return nil, errors.New("analysis: no readable results files")
	}
	plans, err := planConditions(hdrs, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if p.clear != "" {
			ds.Clearance = p.clear
		}
	}
	ds.Uptake = opts.Uptake

	// Read.
	aggs := make(map[string]*condAgg, len(plans))
	for _, p := range plans {
		aggs[p.name] = newCondAgg(p)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), DefaultMaxWorkers)
	}
	var jobs []*fileHeader
	for _, p := range plans {
		jobs = append(jobs, p.files...)
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].index < jobs[j].index })
	for start := 0; start < len(jobs); start += workers {
		batch := jobs[start:min(start+workers, len(jobs))]
		res := make([]*fileAgg, len(batch))
		errs := make([]error, len(batch))
		var wg sync.WaitGroup
		for i, h := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = readFile(h, aggs[h.cond].plan, opts)
			}()
		}
		wg.Wait()
		for i, h := range batch {
			if errs[i] != nil {
				if !opts.SkipBad {
					return nil, &BadFilesError{Files: []BadFile{{Path: h.path, Err: errs[i]}}}
				}
				ds.Skipped = append(ds.Skipped, BadFile{Path: h.path, Err: errs[i]})
				continue
			}
			if err := aggs[h.cond].merge(res[i]); err != nil {
				return nil, err
			}
			ds.Files = append(ds.Files, FileInfo{Path: h.path, Condition: h.cond, Kind: h.kind, Rows: h.rows,
				Seed: h.seed, ModelHash: h.hash, Replicates: h.reps})
		}
	}
	for _, p := range plans {
		a := aggs[p.name]
		if a.tsFiles+a.sumFiles == 0 {
			continue // every file of the condition was skipped
		}
		ds.Conditions = append(ds.Conditions, a.finish())
	}
	if len(ds.Conditions) == 0 {
		return nil, errors.New("analysis: no readable results files")
	}
	orderConditions(ds.Conditions)
	return ds, nil
}

// ResolveConditions matches requested condition names against the present
// ones, in the order requested. Condition names may hold commas (the
// conditions of a multi-key sweep are named a@1,b@2), so an entry that is
// not a present name is split at its commas and the pieces are joined back,
// longest first, into present names: "a@1,b@2,a@1,b@3" gives the two
// conditions a@1,b@2 and a@1,b@3, and "ctrl,drug" gives ctrl and drug.
// Pieces that match nothing are returned in missing.
func ResolveConditions(requested, present []string) (resolved, missing []string) {
	have := map[string]bool{}
	for _, p := range present {
		have[p] = true
	}
	add := func(c string) {
		for _, r := range resolved {
			if r == c {
				return
			}
		}
		resolved = append(resolved, c)
	}
	for _, req := range requested {
		req = strings.TrimSpace(req)
		if req == "" {
			continue
		}
		if have[req] {
			add(req)
			continue
		}
		pieces := strings.Split(req, ",")
		for i := 0; i < len(pieces); {
			j := len(pieces)
			for ; j > i; j-- {
				if have[strings.Join(pieces[i:j], ",")] {
					break
				}
			}
			if j == i {
				if p := strings.TrimSpace(pieces[i]); p != "" {
					missing = append(missing, p)
				}
				i++
				continue
			}
			add(strings.Join(pieces[i:j], ","))
			i = j
		}
	}
	return resolved, missing
}

// readHeader opens a file and reads its footer.
func readHeader(s Source, index int) (*fileHeader, error) {
	f, err := results.Open(s.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := &fileHeader{path: s.Path, cond: s.Condition, kind: f.Kind, cols: append([]results.Column(nil), f.Columns()...),
		rows: f.NumRows(), index: index}
	h.seed, _ = f.Lookup(results.MetaSeed)
	h.hash, _ = f.Lookup(results.MetaModelHash)
	h.reps, _ = f.Lookup(results.MetaReplicates)
	if h.cond == "" {
		h.cond, _ = f.Lookup(results.MetaCondition)
	}
	if h.cond == "" {
		h.cond = "default"
	}
	if h.rows == 0 {
		return nil, errors.New("empty: the file has no rows")
	}
	return h, nil
}

// planConditions groups files by condition, checks model hashes and
