package results

import (
	"encoding/json"
	"fmt"

	"github.com/parquet-go/parquet-go"
)

// schemaName is the name of the root of the Parquet schema.
const schemaName = "reuptake"

// orderedGroup is a Parquet group node whose fields keep the order they were
// given in; parquet.Group sorts its fields by name, which would reorder the
// columns.
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func newOrderedGroup(names []string, nodes []parquet.Node) *orderedGroup {
	g := &orderedGroup{Group: make(parquet.Group, len(names))}
	for i, name := range names {
		g.Group[name] = nodes[i]
	}
	byName := make(map[string]parquet.Field, len(names))
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	g.fields = make([]parquet.Field, len(names))
	for i, name := range names {
		g.fields[i] = byName[name]
	}
	return g
}

// Fields returns the fields in their declared order.
func (g *orderedGroup) Fields() []parquet.Field { return g.fields }

// String prints the group with its fields in their declared order.
func (g *orderedGroup) String() string { return parquet.NewSchema("", g).String() }

// numericFields returns the fields of a Timeseries or Summary table with
// DOUBLE value columns cols.
func numericFields(kind Kind, cols []Column) ([]Field, error) {
	if !kind.Numeric() {
		return nil, fmt.Errorf("results: a %v table has a fixed schema: use CreateFields with Kind.Fields", kind)
	}
	fields := []Field{{Column: ReplicateColumn, Type: TypeInt64}}
	if kind.HasTime() {
		fields = append(fields, Field{Column: TimeColumn, Type: TypeDouble})
	}
	for _, c := range cols {
		fields = append(fields, Field{Column: c, Type: TypeDouble})
	}
	return fields, nil
}

// leading returns the number of fixed leading columns (replicate, t_ms) of
// a table of kind k.
func leading(k Kind) int {
	switch {
	case k == Conditions:
		return 0
	case k.HasTime():
		return 2
	}
	return 1
}

// buildSchema returns the Parquet schema of a table of the given kind and
// fields (every column, replicate and t_ms included), after checking the
// column names and types.
func buildSchema(kind Kind, fields []Field) (*parquet.Schema, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("results: invalid table kind %v", kind)
	}
	first := leading(kind)
	if first > 0 && (len(fields) < first || fields[0].Name != ColReplicate || fields[0].Type != TypeInt64) ||
		first == 2 && (fields[1].Name != ColTime || fields[1].Type != TypeDouble) {
		return nil, fmt.Errorf("results: a %v table starts with replicate INT64%s", kind, map[bool]string{true: " and t_ms DOUBLE", false: ""}[first == 2])
	}
	seen := make(map[string]bool, len(fields))
	names := make([]string, 0, len(fields))
	nodes := make([]parquet.Node, 0, len(fields))
	for i, f := range fields {
		if i >= first {
			if err := ValidColumnName(f.Name); err != nil {
				return nil, err
			}
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("results: duplicate column name %q", f.Name)
		}
		seen[f.Name] = true
		n, err := node(f.Type)
		if err != nil {
			return nil, err
		}
		names = append(names, f.Name)
		nodes = append(nodes, n)
	}
	return parquet.NewSchema(schemaName, newOrderedGroup(names, nodes)), nil
}

// encodeColumns returns the MetaColumns value for cols.
func encodeColumns(cols []Column) string {
	if cols == nil {
		cols = []Column{}
	}
	b, err := json.Marshal(cols)
	if err != nil { // cannot happen: Column has only string fields
		panic(err)
	}
	return string(b)
}

// decodeColumns parses a MetaColumns value.
func decodeColumns(s string) ([]Column, error) {
	var cols []Column
	if err := json.Unmarshal([]byte(s), &cols); err != nil {
		return nil, err
	}
	return cols, nil
}
