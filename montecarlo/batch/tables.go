package batch

import (
	"encoding/json"
	"strconv"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// The output seam: a table of a part is a results.Writer plus a feed that
// turns each replicate (in replicate order) into its rows. Everything
// else (completion records, status, resume, merge) handles tables by
// name, whatever they hold.

// table is one table of a part being written.
type table struct {
	kind  results.Kind
	w     *results.Writer
	feed  func(t *table, r montecarlo.Replicate) error
	names names
	sub   bool // a snapshot was subsampled
}

// names are the vocabularies of the string columns, from the model.
type names struct {
	species, siteTypes, regions []string
	states                      [][]string
}

func namesOf(m *montecarlo.Model) names {
	n := names{species: m.Species(), siteTypes: m.SiteTypeNames(), regions: m.Grid.RegionNames()}
	for ty := range n.siteTypes {
		n.states = append(n.states, m.StateNames(ty))
	}
	return n
}

func pick(list []string, i int16) string {
	if i < 0 || int(i) >= len(list) {
		return ""
	}
	return list[i]
}

func (n names) state(ty, st int16) string {
	if ty < 0 || int(ty) >= len(n.states) {
		return ""
	}
	return pick(n.states[ty], st)
}

// newTable creates the file of table k of a part at path.
func newTable(k results.Kind, m *montecarlo.Model, path string, meta map[string]string) (*table, error) {
	t := &table{kind: k, names: namesOf(m)}
	fields := k.Fields()
	switch k {
	case results.Timeseries:
		fields = numericFields(k, m.Columns())
		t.feed = func(t *table, r montecarlo.Replicate) error {
			for i, row := range r.Rows {
				if err := t.w.Write(int64(r.Index), r.T[i], row); err != nil {
					return err
				}
			}
			return nil
		}
	case results.Summary:
		fields = numericFields(k, m.SummaryColumns())
		t.feed = func(t *table, r montecarlo.Replicate) error {
			return t.w.Write(int64(r.Index), 0, r.Summary)
		}
	case results.Snapshots:
		meta = withMeta(meta, results.MetaSnapshotCap, strconv.Itoa(m.Output().Cap()))
		t.feed = feedSnapshots
	case results.Sites:
		t.feed = feedSites
	case results.Events:
		meta = withMeta(meta, results.MetaExitRates, exitRates(m))
		t.feed = feedEvents
	}
	w, err := results.CreateFields(path, k, fields, meta)
	if err != nil {
		return nil, err
	}
	t.w = w
	return t, nil
}

// finish completes the table's file.
func (t *table) finish() error {
	if t.kind == results.Snapshots {
		t.w.SetMeta(results.MetaSnapshotSubsampled, strconv.FormatBool(t.sub))
	}
	return t.w.Close()
}

func withMeta(meta map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(meta)+1)
	for a, b := range meta {
		out[a] = b
	}
	out[k] = v
	return out
}

// numericFields are the fields of a timeseries or summary table: counts
// are INT64, every other value DOUBLE.
func numericFields(k results.Kind, obs []montecarlo.Observable) []results.Field {
	f := []results.Field{{Column: results.ReplicateColumn, Type: results.TypeInt64}}
	if k.HasTime() {
		f = append(f, results.Field{Column: results.TimeColumn, Type: results.TypeDouble})
	}
	for _, o := range obs {
		typ := results.TypeDouble
		if o.Integer {
			typ = results.TypeInt64
		}
		f = append(f, results.Field{Column: toColumn(o), Type: typ})
	}
	return f
}

// toColumn is the column metadata of an observable.
func toColumn(o montecarlo.Observable) results.Column {
	return results.Column{Name: o.Name, Unit: o.Unit, Description: o.Description, Role: results.Role(o.Role),
		Label: o.Label, Species: o.Species, Region: o.Region, SiteType: o.SiteType, State: o.State}
}

func feedSnapshots(t *table, r montecarlo.Replicate) error {
	if r.Tape.Subsampled {
		t.sub = true
	}
	rep := results.Int(int64(r.Index))
	n := t.names
	return r.Tape.Molecules.Each(func(m *montecarlo.MoleculeRow) error {
		return t.w.WriteRow(rep, results.Double(m.T), results.Int(m.Molecule),
			results.String(pick(n.species, m.Species)), results.String(pick(n.regions, m.Region)),
			results.Double(m.X), results.Double(m.Y), results.Double(m.Z))
	})
}

func feedSites(t *table, r montecarlo.Replicate) error {
	rep := results.Int(int64(r.Index))
	n := t.names
	return r.Tape.Sites.Each(func(s *montecarlo.SiteRow) error {
		return t.w.WriteRow(rep, results.Double(s.T), results.Int(s.Site),
			results.String(pick(n.siteTypes, s.SiteType)), results.String(n.state(s.SiteType, s.State)),
			results.Double(s.X), results.Double(s.Y), results.Double(s.Z))
	})
}

func feedEvents(t *table, r montecarlo.Replicate) error {
	rep := results.Int(int64(r.Index))
	n := t.names
	return r.Tape.Events.Each(func(e *montecarlo.Event) error {
		return t.w.WriteRow(rep, results.Double(e.T), results.String(e.Kind.String()),
			results.String(pick(n.species, e.Species)), results.String(pick(n.siteTypes, e.SiteType)),
			results.Int(int64(e.Site)), results.String(n.state(e.SiteType, e.From)), results.String(n.state(e.SiteType, e.To)),
			results.Int(e.Molecule), results.Double(e.X), results.Double(e.Y), results.Double(e.Z),
			results.String(pick(n.regions, e.Region)))
	})
}

// exitRates is the MetaExitRates value of a model.
func exitRates(m *montecarlo.Model) string {
	out := map[string]map[string]float64{}
	for ty, name := range m.SiteTypeNames() {
		out[name] = map[string]float64{}
		for st, sn := range m.StateNames(ty) {
			out[name][sn] = m.ExitRate(ty, st)
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}
