package montecarlo

import (
	"fmt"
	"math"
	"strings"
)

// Per-molecule and per-site output (the events, snapshots and sites
// tables): what a model asks for (OutputSpec), what the engine records
// (Event, MoleculeRow, SiteRow) and where a replicate's records wait until
// they are written (Tape, tape.go).
//
// Recording is off unless the model asks for it: the engine's recorder is
// nil, and every hook is one nil check outside the per-molecule loop or on
// a path taken only when something happens to a molecule (a hit, an
// escape, a site event).

// OutputSpec selects the optional output tables of a model.
type OutputSpec struct {
	// Events lists the kinds of event to record in the events table (see
	// EventKinds), or holds "all"; empty: no events table.
	Events []string
	// SnapshotEvery is the interval, in ms, of the snapshots and sites
	// tables (the positions of every free molecule and the state of every
	// site); 0: none. It must be a multiple of the timestep.
	SnapshotEvery float64
	// SnapshotCap is the most free molecules one snapshot holds; above it
	// the molecules are subsampled uniformly. 0 means DefaultSnapshotCap.
	SnapshotCap int
}

// DefaultSnapshotCap is the default OutputSpec.SnapshotCap.
const DefaultSnapshotCap = 1_000_000

// RecordsEvents reports whether the model asks for an events table.
func (o OutputSpec) RecordsEvents() bool { return len(o.Events) > 0 }

// Cap is SnapshotCap, or DefaultSnapshotCap when it is 0.
func (o OutputSpec) Cap() int {
	if o.SnapshotCap > 0 {
		return o.SnapshotCap
	}
	return DefaultSnapshotCap
}

// EventKind is the kind of a recorded event.
type EventKind uint8

// The kinds of event.
const (
	// EventRelease: a molecule released into the medium (at the release's
	// own time).
	EventRelease EventKind = iota
	// EventBind: a free molecule bound by a site (at the end of the step
	// of the hit for surface sites; the drawn binding time for volume
	// sites).
	EventBind
	// EventUnbind: a site released a molecule back into the medium.
	EventUnbind
	// EventTransport: a transporter took a molecule into the cell.
	EventTransport
	// EventDegrade: a molecule destroyed, by a site (an enzyme) or by
	// first-order degradation in the medium (no site).
	EventDegrade
	// EventEmit: a site released a molecule it did not bind (reverse
	// transport).
	EventEmit
	// EventTransition: any other first-order site transition (a
	// conformational change, a bath ligand binding or leaving).
	EventTransition
	// EventEscape: a molecule absorbed at the outer boundary (at the end
	// of the step).
	EventEscape
	numEventKinds
)

var eventKindNames = [numEventKinds]string{"release", "bind", "unbind", "transport", "degrade", "emit", "transition", "escape"}

// String returns the name of the kind, as in the events table.
func (k EventKind) String() string {
	if k < numEventKinds {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// EventKinds lists the names of the event kinds, in EventKind order.
func EventKinds() []string { return eventKindNames[:] }

// ParseEventKinds turns a list of event kind names (or "all") into a set
// of kinds; an unknown name is an error that lists the known ones.
func ParseEventKinds(names []string) (uint16, error) {
	var mask uint16
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "all" {
			mask |= 1<<numEventKinds - 1
			continue
		}
		found := false
		for k, kn := range eventKindNames {
			if kn == n {
				mask |= 1 << k
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown event kind %q: want all or a list of %s", n, strings.Join(eventKindNames[:], ", "))
		}
	}
	return mask, nil
}

// Event is one row of the events table, as the engine records it. Indices
// refer to the model's species (Model.Species), site types
// (Model.SiteTypeNames), states (Model.StateNames) and volume regions
// (Model.Grid.RegionNames); -1 means none.
type Event struct {
	T        float64 // ms
	Molecule int64   // molecule id, or -1
	X, Y, Z  float64 // µm
	Site     int32
	Kind     EventKind
	Species  int16
	SiteType int16
	From, To int16
	Region   int16
}

// MoleculeRow is one free molecule in a snapshot.
type MoleculeRow struct {
	T        float64
	Molecule int64
	X, Y, Z  float64
	Species  int16
	Region   int16
}

// SiteRow is one site in a snapshot.
type SiteRow struct {
	T        float64
	Site     int64
	X, Y, Z  float64
	SiteType int16
	State    int16
}

// purposeSnapshot keys the stream that subsamples crowded snapshots, apart
// from the dynamics (so recording never changes a replicate).
const purposeSnapshot = 0x534e4150 // "SNAP"

// outputPlan is the compiled OutputSpec of a model.
type outputPlan struct {
	events    uint16 // set of EventKinds recorded
	snapEvery int    // steps between snapshots; 0: none
	snapCap   int
}

func (o *outputPlan) on() bool { return o.events != 0 || o.snapEvery > 0 }

// compileOutput checks the output section against the timestep and
// duration.
func (m *Model) compileOutput() error {
	o := m.Spec.Output
	mask, err := ParseEventKinds(o.Events)
	if err != nil {
		return fieldErr("output.events", "%v", err)
	}
	m.out.events = mask
	if o.SnapshotCap < 0 {
		return fieldErr("output.snapshots.cap", "must be a positive count of molecules, got %d", o.SnapshotCap)
	}
	m.out.snapCap = o.Cap()
	if o.SnapshotEvery == 0 {
		return nil
	}
	if !(o.SnapshotEvery > 0) || math.IsInf(o.SnapshotEvery, 0) {
		return fieldErr("output.snapshots.every", "must be a positive time, got %g ms", o.SnapshotEvery)
	}
	if o.SnapshotEvery > m.Spec.Run.Duration {
		return fieldErr("output.snapshots.every", "is %g ms, longer than run.duration %g ms: take snapshots at most every %g ms", o.SnapshotEvery, m.Spec.Run.Duration, m.Spec.Run.Duration)
	}
	k := math.Round(o.SnapshotEvery / m.Dt)
	if k < 1 || math.Abs(k*m.Dt-o.SnapshotEvery) > 1e-9*o.SnapshotEvery {
		return fieldErr("output.snapshots.every", "must be a multiple of the timestep dt = %g ms, got %g ms (e.g. %g ms)", m.Dt, o.SnapshotEvery, math.Max(1, k)*m.Dt)
	}
	m.out.snapEvery = int(k)
	return nil
}

// Output returns the model's output section.
func (m *Model) Output() OutputSpec { return m.Spec.Output }

// EventMask returns the set of recorded event kinds (bit k for EventKind
// k).
func (m *Model) EventMask() uint16 { return m.out.events }

// SnapshotSteps returns the number of timesteps between snapshots, 0 when
// the model takes none.
func (m *Model) SnapshotSteps() int { return m.out.snapEvery }

// SiteTypeNames lists the site types, in the order of the sites' type
// indices.
func (m *Model) SiteTypeNames() []string {
	out := make([]string, len(m.siteTypes))
	for i, st := range m.siteTypes {
		out[i] = st.Name
	}
	return out
}

// StateNames lists the states of site type ty.
func (m *Model) StateNames(ty int) []string { return m.schemes[ty].States }

// ExitRate is the total rate of the first-order transitions out of state
// st of site type ty, 1/ms (at the initial bath concentrations).
func (m *Model) ExitRate(ty, st int) float64 { return m.schemes[ty].KOut[st] }
