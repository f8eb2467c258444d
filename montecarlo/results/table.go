package results

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/parquet-go/parquet-go"
)

// Physical column types of results tables, as Field.Type spells them.
const (
	// TypeInt64 is a 64-bit signed integer.
	TypeInt64 = "INT64"
	// TypeDouble is a 64-bit IEEE float.
	TypeDouble = "DOUBLE"
	// TypeString is a UTF-8 string (a Parquet BYTE_ARRAY annotated STRING).
	TypeString = "STRING"
)

// Column names of the fixed-schema tables (snapshots, sites, events).
const (
	ColMolecule = "molecule"
	ColSpecies  = "species"
	ColRegion   = "region"
	ColX        = "x_um"
	ColY        = "y_um"
	ColZ        = "z_um"
	ColSite     = "site"
	ColSiteType = "site_type"
	ColState    = "state"
	ColKind     = "kind"
	ColFrom     = "from_state"
	ColTo       = "to_state"
)

// Metadata keys of snapshots files.
const (
	// MetaSnapshotCap is the most free molecules a snapshot holds; above
	// it the molecules are subsampled uniformly.
	MetaSnapshotCap = "reuptake.snapshot_cap"
	// MetaSnapshotSubsampled is "true" when at least one snapshot of the
	// file was subsampled, else "false".
	MetaSnapshotSubsampled = "reuptake.snapshot_subsampled"
	// MetaExitRates, in events files, is the total first-order exit rate
	// of every site state, 1/ms, as JSON {site_type: {state: k_out}} (the
	// mean dwell of a state left only by first-order transitions is
	// 1/k_out; bath schedules are not included).
	MetaExitRates = "reuptake.exit_rates"
	// MetaDuration is the simulated duration of each replicate, ms.
	MetaDuration = "reuptake.duration_ms"
)

func field(name, typ, unit, desc string) Field {
	return Field{Column: Column{Name: name, Unit: unit, Description: desc}, Type: typ}
}

func lead() []Field {
	return []Field{
		{Column: ReplicateColumn, Type: TypeInt64},
		{Column: TimeColumn, Type: TypeDouble},
	}
}

func position(what string) []Field {
	return []Field{
		field(ColX, TypeDouble, "um", "x coordinate of the "+what+", in the frame of the model's grid"),
		field(ColY, TypeDouble, "um", "y coordinate of the "+what),
		field(ColZ, TypeDouble, "um", "z coordinate of the "+what),
	}
}

// Fields returns every column of the fixed-schema tables (Snapshots, Sites,
// Events), in file order, including replicate and t_ms; nil for the other
// kinds, whose value columns come from the model.
func (k Kind) Fields() []Field {
	var f []Field
	switch k {
	case Snapshots:
		f = append(lead(),
			field(ColMolecule, TypeInt64, "", "molecule id, the same over the molecule's whole life in the replicate"),
			field(ColSpecies, TypeString, "", "species of the molecule"),
			field(ColRegion, TypeString, "", "volume region the molecule is in"))
		f = append(f, position("molecule")...)
	case Sites:
		f = append(lead(),
			field(ColSite, TypeInt64, "", "site index within the replicate"),
			field(ColSiteType, TypeString, "", "site type"),
			field(ColState, TypeString, "", "state of the site's kinetic scheme"))
		f = append(f, position("site (its tile or voxel centre)")...)
	case Events:
		f = append(lead(),
			field(ColKind, TypeString, "", "release, bind, unbind, transport, degrade, emit, transition or escape"),
			field(ColSpecies, TypeString, "", "species of the molecule involved; empty for a transition without one"),
			field(ColSiteType, TypeString, "", "site type; empty when no site is involved"),
			field(ColSite, TypeInt64, "", "site index within the replicate, -1 when no site is involved"),
			field(ColFrom, TypeString, "", "state of the site before the event; empty when no site is involved"),
			field(ColTo, TypeString, "", "state of the site after the event; empty when no site is involved"),
			field(ColMolecule, TypeInt64, "", "molecule id (as in snapshots), -1 when none or unknown"),
		)
		f = append(f, position("event")...)
		f = append(f, field(ColRegion, TypeString, "", "volume region where the event happened; empty for a site without one"))
	default:
		return nil
	}
	f[1].Description = "simulated time of the row (the snapshot time, or the event's time)"
	return f
}

// Value is one cell of a row of a results table: an INT64, a DOUBLE or a
// STRING. Make values with Int, Double and String.
type Value struct{ v parquet.Value }

// Int is an INT64 value.
func Int(i int64) Value { return Value{parquet.Int64Value(i)} }

// Double is a DOUBLE value.
func Double(f float64) Value { return Value{parquet.DoubleValue(f)} }

// String is a STRING value. The string's bytes are referenced, not copied,
// until the row is written.
func String(s string) Value {
	return Value{parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))}
}

// Int64 returns an INT64 value, or a DOUBLE value truncated.
func (v Value) Int64() int64 {
	if v.v.Kind() == parquet.Double {
		return int64(v.v.Double())
	}
	return v.v.Int64()
}

// Float64 returns a DOUBLE value, or an INT64 value converted; NaN for
// null.
func (v Value) Float64() float64 {
	switch v.v.Kind() {
	case parquet.Double:
		return v.v.Double()
	case parquet.Int64:
		return float64(v.v.Int64())
	}
	return math.NaN()
}

// Str returns a STRING value (a copy).
func (v Value) Str() string { return string(v.v.ByteArray()) }

// String formats the value for display.
func (v Value) String() string {
	switch v.v.Kind() {
	case parquet.Double:
		return fmt.Sprint(v.v.Double())
	case parquet.Int64:
		return fmt.Sprint(v.v.Int64())
	case parquet.ByteArray:
		return string(v.v.ByteArray())
	}
	return "NULL"
}

// node returns the Parquet node of a column type.
func node(typ string) (parquet.Node, error) {
	switch typ {
	case TypeInt64:
		return parquet.Leaf(parquet.Int64Type), nil
	case TypeDouble:
		return parquet.Leaf(parquet.DoubleType), nil
	case TypeString:
		return parquet.String(), nil
	}
	return nil, fmt.Errorf("results: unknown column type %q (want INT64, DOUBLE or STRING)", typ)
}

// typeOf returns the Field.Type of a Parquet leaf (byte arrays read as
// strings), or "" when it is not one of the three types of results tables.
func typeOf(n parquet.Node) string {
	switch n.Type().Kind() {
	case parquet.Int64:
		return TypeInt64
	case parquet.Double:
		return TypeDouble
	case parquet.ByteArray:
		return TypeString
	}
	return ""
}

// is reports whether the value has the physical type of a column of type
// typ.
func (v Value) is(typ string) bool {
	switch v.v.Kind() {
	case parquet.Int64:
		return typ == TypeInt64
	case parquet.Double:
		return typ == TypeDouble
	case parquet.ByteArray:
		return typ == TypeString
	}
	return false
}
