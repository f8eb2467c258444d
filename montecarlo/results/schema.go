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

// buildSchema returns the Parquet schema of a table of the given kind and
// value columns, after checking the column names.
func buildSchema(kind Kind, cols []Column) (*parquet.Schema, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("results: invalid table kind %v", kind)
	}
	seen := make(map[string]bool, len(cols))
	names := make([]string, 0, len(cols)+2)
	nodes := make([]parquet.Node, 0, len(cols)+2)
	names = append(names, ColReplicate)
	nodes = append(nodes, parquet.Leaf(parquet.Int64Type))
	if kind.HasTime() {
		names = append(names, ColTime)
		nodes = append(nodes, parquet.Leaf(parquet.DoubleType))
	}
	for _, c := range cols {
		if err := ValidColumnName(c.Name); err != nil {
			return nil, err
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("results: duplicate column name %q", c.Name)
		}
		seen[c.Name] = true
		names = append(names, c.Name)
		nodes = append(nodes, parquet.Leaf(parquet.DoubleType))
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
