package analysis

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// Source is one results file to read, with the condition its path names.
type Source struct {
	// Path is the file's path as found (cleaned).
	Path string
	// Condition is the value of the innermost Hive partition directory
	// "condition=<c>" of Path; empty when the path has none, in which case
	// Load falls back to the file's results.MetaCondition metadata.
	Condition string
}

// conditionPrefix is the Hive partition prefix of condition directories.
const conditionPrefix = "condition="

// Resolve expands command-line arguments into the results files they name,
// in a stable order, without opening them:
//
//   - a run directory (one holding timeseries/ or summary/) gives every
//     .parquet file under its timeseries/ and summary/ trees;
//   - any other directory gives every .parquet file below it (for example a
//     Hive partition RUN/timeseries/condition=c);
//   - RUN/condition=c, which does not exist on disk, is shorthand for the
//     condition=c partitions of RUN's timeseries/ and summary/ trees;
//   - a glob pattern (*, ?, [...], and ** for any number of directories)
//     gives the files it matches and the .parquet files below the
//     directories it matches, leaving out those in the events, snapshots,
//     sites and conditions tables of a run;
//   - a file is taken as it is, whatever its name.
//
// Names starting with "." are skipped while walking (the temporary files of
// a writer, the staging area of mc merge). The same file named twice is
// kept once. A path that does not exist, a pattern that matches nothing and
// a directory without .parquet files are errors.
func Resolve(args ...string) ([]Source, error) {
	var out []Source
	seen := map[string]bool{}
	add := func(p string) {
		p = filepath.Clean(p)
		key := p
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Source{Path: p, Condition: conditionOf(p)})
	}
	for _, arg := range args {
		files, err := resolveOne(arg)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			add(f)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("analysis: no input files")
	}
	return out, nil
}

// resolveOne expands one argument.
func resolveOne(arg string) ([]string, error) {
	if arg == "" {
		return nil, errors.New("analysis: empty path")
	}
	if hasMeta(arg) {
		matches, err := glob(arg)
		if err != nil {
			return nil, fmt.Errorf("analysis: pattern %q: %w", arg, err)
		}
		var files []string
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return nil, fmt.Errorf("analysis: %w", err)
			}
			if st.IsDir() {
				fs, err := walkParquet(m)
				if err != nil {
					return nil, err
				}
				files = append(files, fs...)
				continue
			}
			files = append(files, m)
		}
		files = slices.DeleteFunc(files, inPerMoleculeTable)
		if len(files) == 0 {
			return nil, fmt.Errorf("analysis: pattern %q matches no results files", arg)
		}
		return files, nil
	}
	st, err := os.Stat(arg)
	if errors.Is(err, fs.ErrNotExist) {
		// RUN/condition=c shorthand.
		base := filepath.Base(arg)
		if strings.HasPrefix(base, conditionPrefix) && isRunDir(filepath.Dir(arg)) {
			run := filepath.Dir(arg)
			var files []string
			for _, k := range []results.Kind{results.Timeseries, results.Summary} {
				d := filepath.Join(run, k.Dir(), base)
				if _, err := os.Stat(d); err == nil {
					fs, err := walkParquet(d)
					if err != nil {
						return nil, err
					}
					files = append(files, fs...)
				}
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("analysis: run %s has no condition %q (conditions: %s)", run,
					strings.TrimPrefix(base, conditionPrefix), strings.Join(runConditions(run), ", "))
			}
			return files, nil
		}
		return nil, fmt.Errorf("analysis: %s: no such file or directory", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("analysis: %w", err)
	}
	if !st.IsDir() {
		return []string{arg}, nil
	}
	if isRunDir(arg) {
		var files []string
		for _, k := range []results.Kind{results.Timeseries, results.Summary} {
			d := filepath.Join(arg, k.Dir())
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				fs, err := walkParquet(d)
				if err != nil && !errors.Is(err, errNoParquet) {
					return nil, err
				}
				files = append(files, fs...)
			}
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("analysis: run directory %s holds no .parquet files", arg)
		}
		return files, nil
	}
	return walkParquet(arg)
}

// inPerMoleculeTable reports whether p lies in the events, snapshots,
// sites or conditions table of a run directory: a glob over a whole run
// (RUN/**/*.parquet) leaves those out, as they are not timeseries or
// summaries (see EventTables for the events).
func inPerMoleculeTable(p string) bool {
	for d := filepath.Dir(p); d != filepath.Dir(d); d = filepath.Dir(d) {
		switch filepath.Base(d) {
		case results.Events.Dir(), results.Snapshots.Dir(), results.Sites.Dir(), results.Conditions.Dir():
			if isRunDir(filepath.Dir(d)) {
				return true
			}
		}
	}
	return false
}

// errNoParquet is returned by walkParquet for a directory without results.
var errNoParquet = errors.New("no .parquet files")

// walkParquet lists the .parquet files below dir, skipping hidden names.
func walkParquet(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".parquet") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analysis: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("analysis: %s: %w", dir, errNoParquet)
	}
	sort.Strings(files)
	return files, nil
}

// isRunDir reports whether dir holds a timeseries/ or summary/ directory.
func isRunDir(dir string) bool {
	for _, k := range []results.Kind{results.Timeseries, results.Summary} {
		if st, err := os.Stat(filepath.Join(dir, k.Dir())); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// runConditions lists the condition partitions of a run directory.
func runConditions(run string) []string {
	set := map[string]bool{}
	for _, k := range []results.Kind{results.Timeseries, results.Summary} {
		ents, _ := os.ReadDir(filepath.Join(run, k.Dir()))
		for _, e := range ents {
			if e.IsDir() && strings.HasPrefix(e.Name(), conditionPrefix) {
				set[strings.TrimPrefix(e.Name(), conditionPrefix)] = true
			}
		}
	}
	return sortedKeys(set)
}

// conditionOf returns the innermost condition=<c> element of a path.
func conditionOf(p string) string {
	dir := filepath.Dir(p)
	for {
		base := filepath.Base(dir)
		if strings.HasPrefix(base, conditionPrefix) {
			return strings.TrimPrefix(base, conditionPrefix)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// hasMeta reports whether p holds glob metacharacters.
func hasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// glob expands a pattern, where a "**" path element matches any number
// (zero or more) of directories.
//
// Each element is matched by the standard library's path.Match; only the
// "**" recursion (matchElems, a dozen lines) is written here. A library
// such as doublestar was considered and not taken: glob needs two rules of
// its own that a generic matcher does not have (hidden entries, such as the
// temporary files of a run being written, are skipped; a matched directory,
// a run or condition folder, is returned whole and not descended into), and
// the module would add a dependency for those dozen lines.
func glob(pattern string) ([]string, error) {
	if !strings.Contains(pattern, "**") {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		return m, nil
	}
	pat := filepath.ToSlash(filepath.Clean(pattern))
	parts := strings.Split(pat, "/")
	// The walk starts at the longest leading run of elements without
	// metacharacters.
	i := 0
	for i < len(parts) && !hasMeta(parts[i]) {
		i++
	}
	root := strings.Join(parts[:i], "/")
	switch {
	case root == "" && strings.HasPrefix(pat, "/"):
		root = "/"
	case root == "":
		root = "."
	}
	rest := parts[i:]
	for _, r := range rest {
		if strings.Contains(r, "**") && r != "**" {
			return nil, fmt.Errorf("%w: ** must be a whole path element", filepath.ErrBadPattern)
		}
		if _, err := path.Match(r, ""); err != nil {
			return nil, err
		}
	}
	var out []string
	err := filepath.WalkDir(filepath.FromSlash(root), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, rerr := filepath.Rel(filepath.FromSlash(root), p)
		if rerr != nil || rel == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if matchElems(rest, strings.Split(filepath.ToSlash(rel), "/")) {
			out = append(out, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// matchElems matches path elements against pattern elements, "**" matching
// any number of elements.
func matchElems(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for k := 0; k <= len(name); k++ {
			if matchElems(pat[1:], name[k:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], name[0])
	return ok && matchElems(pat[1:], name[1:])
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
