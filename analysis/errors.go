package analysis

import (
	"fmt"
	"strings"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// BadFile is a file that could not be analysed.
type BadFile struct {
	Path string
	Err  error
}

// BadFilesError reports empty, truncated or corrupt files.
type BadFilesError struct{ Files []BadFile }

// Error lists the bad files and why each could not be read.
func (e *BadFilesError) Error() string {
	var b strings.Builder
	if len(e.Files) == 1 {
		fmt.Fprintf(&b, "bad results file %s: %v", e.Files[0].Path, trimPath(e.Files[0]))
		return b.String()
	}
	fmt.Fprintf(&b, "%d bad results files:", len(e.Files))
	for _, f := range e.Files {
		fmt.Fprintf(&b, "\n  %s: %v", f.Path, trimPath(f))
	}
	return b.String()
}

// trimPath shortens an error that repeats the file's path.
func trimPath(f BadFile) string {
	s := f.Err.Error()
	for _, p := range []string{"results: open " + f.Path + ": ", "results: scan " + f.Path + ": ", "results: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// MissingObservableError reports observables asked for that no file has.
type MissingObservableError struct {
	Missing    []string
	Timeseries []string // observables present in timeseries files
	Summary    []string // columns present in summary files
}

// Error names the missing observables and lists those present.
func (e *MissingObservableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no column matches %s", quoteList(e.Missing))
	if len(e.Timeseries) > 0 {
		fmt.Fprintf(&b, "\n  timeseries observables: %s", strings.Join(e.Timeseries, ", "))
	}
	if len(e.Summary) > 0 {
		fmt.Fprintf(&b, "\n  summary columns: %s", strings.Join(e.Summary, ", "))
	}
	return b.String()
}

// MissingConditionError reports conditions asked for that no file has.
type MissingConditionError struct {
	Missing, Present []string
}

// Error names the missing conditions and lists those present.
func (e *MissingConditionError) Error() string {
	return fmt.Sprintf("no condition %s (conditions present: %s)", quoteList(e.Missing), strings.Join(e.Present, ", "))
}

// MixedModelsError reports files of one condition written from different
// models (different results.MetaModelHash).
type MixedModelsError struct {
	Condition string
	Hashes    []string            // distinct hashes in order of first file
	Files     map[string][]string // files by hash
}

// Error lists the files of each model.
func (e *MixedModelsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "condition %q mixes files from %d different models (%s):", e.Condition, len(e.Hashes), results.MetaModelHash)
	for _, h := range e.Hashes {
		fs := e.Files[h]
		fmt.Fprintf(&b, "\n  model %s: %d file(s): %s", shortHash(h), len(fs), strings.Join(fs, ", "))
	}
	return b.String()
}

// DuplicateReplicateError reports a replicate found in two files of one
// condition and table (the same file given twice under two names, two runs
// mixed, or overlapping tasks).
type DuplicateReplicateError struct {
	Condition   string
	Kind        results.Kind
	Replicate   int64
	First, Then string
}

// Error names the replicate and both files.
func (e *DuplicateReplicateError) Error() string {
	return fmt.Sprintf("condition %q: replicate %d appears in two %s files: %s and %s (mixed runs or overlapping tasks?)",
		e.Condition, e.Replicate, e.Kind, e.First, e.Then)
}

// shortHash abbreviates a model hash for messages.
func shortHash(h string) string {
	if h == "" {
		return "(none)"
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
