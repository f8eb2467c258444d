package batch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// NotRunError says that a directory holds no run: it has no manifest.json.
// It matches fs.ErrNotExist (errors.Is).
type NotRunError struct {
	Dir     string
	Missing bool // the directory itself does not exist
}

func (e *NotRunError) Error() string {
	if e.Missing {
		return fmt.Sprintf("%s does not exist: give the output directory of an mc run (its --out)", e.Dir)
	}
	return fmt.Sprintf("%s holds no run (no manifest.json): give the output directory of an mc run (its --out), not a folder inside it", e.Dir)
}

// Is makes a NotRunError match fs.ErrNotExist.
func (e *NotRunError) Is(target error) bool { return target == fs.ErrNotExist }

// Report is the state of a run directory: the one answer mc status, mc run
// and the analysis commands give about it.
type Report struct {
	Dir      string
	Manifest Manifest
	Parts    []PartStatus // every part of the plan, in order
	// Done, Missing and Corrupt count the parts by state.
	Done, Missing, Corrupt int
	// Replicates counts the replicates of the done parts, per condition.
	Replicates map[string]int
	// MergePending is set when an mc merge was interrupted after its commit
	// point: the run must be finished with mc merge before anything else.
	MergePending bool
	// Merging is set while an mc merge holds the directory: its files are
	// being swapped.
	Merging bool
	// Stale lists temporary files left by killed processes; LiveTemps
	// counts those of parts being written now.
	Stale     []string
	LiveTemps int
}

// Inspect reports the state of the run in dir. verify recomputes the
// checksums of done parts (slower). A directory that is not a run gives a
// *NotRunError.
func Inspect(dir string, verify bool) (Report, error) {
	rep := Report{Dir: dir, Replicates: map[string]int{}}
	man, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		_, serr := os.Stat(dir)
		return rep, &NotRunError{Dir: dir, Missing: serr != nil}
	}
	if err != nil {
		return rep, err
	}
	rep.Manifest = man
	rep.MergePending = MergePending(dir)
	rep.Merging = heldBy(filepath.Join(dir, dirLockName), shared)
	rep.Parts = StatusFromManifest(dir, man, verify)
	for _, p := range rep.Parts {
		switch p.State {
		case Done:
			rep.Done++
			rep.Replicates[p.Condition] += p.End - p.First
		case Missing:
			rep.Missing++
		case Corrupt:
			rep.Corrupt++
		}
	}
	rep.Stale, rep.LiveTemps = Stale(dir)
	return rep, nil
}

// Complete reports whether every part is done and no merge is pending.
func (r Report) Complete() bool {
	return !r.Merging && !r.MergePending && r.Done == len(r.Parts)
}

// Next is the one thing to do to complete the run, or "" when it is
// complete: finish an interrupted merge first (a resume refuses to start
// before), else resume the run.
func (r Report) Next() string {
	switch {
	case r.Merging:
		return fmt.Sprintf("mc merge is running on %s: wait for it to finish", r.Dir)
	case r.MergePending:
		return fmt.Sprintf("an mc merge was interrupted: finish it with mc merge %s", r.Dir)
	case r.Done < len(r.Parts):
		return fmt.Sprintf("finish it with mc run ... --out %s --resume", r.Dir)
	}
	return ""
}
