// Package results defines the on-disk result schema of reuptake runs and
// reads and writes it as Parquet files.
//
// Two kinds of table share one layout (see [Kind]): a [Timeseries] file has
// one row per (replicate, sample time) with the columns
//
//	replicate INT64, t_ms DOUBLE, <observable> DOUBLE...
//
// and a [Summary] file has one row per replicate with the columns
//
//	replicate INT64, <statistic> DOUBLE...
//
// The observable or statistic columns are chosen at run time (they come from
// the model) and are described by [Column] values, whose names, units and
// descriptions are stored as JSON in the file's key-value metadata under
// [MetaColumns], together with the engine version, the model and the seed
// (see the Meta* constants), so that every file is self-describing.
//
// Files are written with Zstd compression, page statistics and row groups of
// [RowGroupRows] rows, using only PLAIN encodings, so that DuckDB, Polars,
// pandas/pyarrow and Spark read them. A [Writer] writes to a temporary file in
// the destination directory and renames it to its final name only on a
// successful [Writer.Close]: a crash never leaves a partial file under a final
// name.
//
// A run directory is laid out in Hive style (see [PartPath]):
//
//	<run>/timeseries/condition=<c>/part-00000.parquet
//	<run>/summary/condition=<c>/part-00000.parquet
package results

import (
	"errors"
	"fmt"
)

// Column describes one DOUBLE value column of a results table.
type Column struct {
	// Name is the Parquet column name (see ValidColumnName).
	Name string `json:"name"`
	// Unit is the physical unit of the values, e.g. "ms", "uM", "pA", or
	// "count"; empty when dimensionless or unknown.
	Unit string `json:"unit,omitempty"`
	// Description is a short human-readable explanation of the column.
	Description string `json:"description,omitempty"`
	// Role says what the column measures (one of the Role constants), so
	// that analysis selects columns by role rather than by parsing names.
	// It is empty in files written before roles existed.
	Role Role `json:"role,omitempty"`
	// Label is a short human-readable name for axes and tables, without the
	// unit, e.g. "free glutamate in the cleft"; empty when not set.
	Label string `json:"label,omitempty"`
	// Species, Region, SiteType and State name what the column is about,
	// where that applies (empty otherwise).
	Species  string `json:"species,omitempty"`
	Region   string `json:"region,omitempty"`
	SiteType string `json:"site_type,omitempty"`
	State    string `json:"state,omitempty"`
}

// Role is what a value column measures. The vocabulary is closed: readers
// treat an unknown role as RoleOther.
type Role string

// The roles of value columns.
const (
	// RoleCount is a number of free molecules (of a species, in a region).
	RoleCount Role = "count"
	// RoleOccupancy is a number of sites in a state (or set of states).
	RoleOccupancy Role = "occupancy"
	// RoleFate is a cumulative number of molecules that met a fate
	// (released, transported, degraded, escaped, emitted).
	RoleFate Role = "fate"
	// RoleFraction is a dimensionless fraction in [0, 1] (unit "1").
	RoleFraction Role = "fraction"
	// RoleConcentration is a concentration averaged over a region.
	RoleConcentration Role = "concentration"
	// RoleProbe is a concentration measured by a probe at a place.
	RoleProbe Role = "probe"
	// RoleCurrent is an electrical current (pA).
	RoleCurrent Role = "current"
	// RoleCharge is an electrical charge (fC).
	RoleCharge Role = "charge"
	// RoleTime is a time or time constant of a summary statistic (ms).
	RoleTime Role = "time"
	// RoleOther is any other quantity.
	RoleOther Role = "other"
)

// Names of the fixed leading columns of every results table.
const (
	// ColReplicate is the name of the INT64 replicate index column, the first
	// column of every file.
	ColReplicate = "replicate"
	// ColTime is the name of the DOUBLE sample time column (milliseconds), the
	// second column of Timeseries files; Summary files do not have it.
	ColTime = "t_ms"
)

// ReplicateColumn describes the replicate column.
var ReplicateColumn = Column{Name: ColReplicate, Description: "replicate index"}

// TimeColumn describes the sample time column of Timeseries files.
var TimeColumn = Column{Name: ColTime, Unit: "ms", Description: "simulated time since the start of the replicate"}

// Key-value metadata keys written into every results file.
const (
	// MetaVersion is the engine version.
	MetaVersion = "reuptake.version"
	// MetaCommit is the engine's source commit.
	MetaCommit = "reuptake.commit"
	// MetaModel is the full model, as YAML.
	MetaModel = "reuptake.model"
	// MetaModelHash is the hash of the model.
	MetaModelHash = "reuptake.model_hash"
	// MetaSeed is the run's root seed.
	MetaSeed = "reuptake.seed"
	// MetaReplicates is the range of replicates held by the file, e.g. "0-63".
	MetaReplicates = "reuptake.replicates"
	// MetaTask is the identifier of the task that wrote the file.
	MetaTask = "reuptake.task"
	// MetaCondition is the name of the condition (drug, parameter set).
	MetaCondition = "reuptake.condition"
	// MetaCreated is the creation time of the file (RFC 3339).
	MetaCreated = "reuptake.created"
	// MetaColumns is the JSON list of the value columns ([]Column), set by
	// Create; it excludes the replicate and t_ms columns.
	MetaColumns = "reuptake.columns"
	// MetaKind is the table kind ("timeseries" or "summary"), set by Create.
	MetaKind = "reuptake.kind"
)

// Kind is the kind of a results table.
type Kind int

const (
	// Timeseries tables have one row per replicate and sample time, with the
	// columns replicate, t_ms, then the value columns.
	Timeseries Kind = iota + 1
	// Summary tables have one row per replicate, with the columns replicate
	// then the value columns.
	Summary
	// Snapshots tables have one row per free molecule at each snapshot
	// time, with the fixed columns SnapshotFields.
	Snapshots
	// Sites tables have one row per site at each snapshot time, with the
	// fixed columns SiteFields.
	Sites
	// Events tables have one row per recorded event, with the fixed
	// columns EventFields.
	Events
	// Conditions is the one-file table of a run's conditions: a row per
	// condition, with a condition column and one column per swept key
	// (no replicate column). It is not one of the per-replicate tables
	// that Kinds lists.
	Conditions
)

// kindNames are the table names of the kinds, in Kind order from 1.
var kindNames = [...]string{"timeseries", "summary", "snapshots", "sites", "events", "conditions"}

// Kinds lists the per-replicate table kinds (every kind but Conditions),
// in the order a run directory lists them.
func Kinds() []Kind { return []Kind{Timeseries, Summary, Snapshots, Sites, Events} }

// String returns the table name of the kind, e.g. "timeseries" or "events"
// (or "Kind(n)" for invalid kinds).
func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k-1]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Valid reports whether k is one of the kinds listed by Kinds.
func (k Kind) Valid() bool { return k >= Timeseries && k <= Conditions }

// HasTime reports whether tables of kind k have the t_ms column (every
// kind but Summary and Conditions).
func (k Kind) HasTime() bool { return k.Valid() && k != Summary && k != Conditions }

// Numeric reports whether tables of kind k have free numeric value columns
// (Timeseries and Summary), which Writer.Write and File.Scan handle; the
// other kinds have fixed schemas of typed columns (see Fields).
func (k Kind) Numeric() bool { return k == Timeseries || k == Summary }

// ParseKind parses the output of Kind.String.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i + 1), nil
		}
	}
	return 0, fmt.Errorf("results: unknown table kind %q (want one of timeseries, summary, snapshots, sites, events, conditions)", s)
}

// ErrClosed is returned by Writer and File methods called after Close (or,
// for a Writer, Abort).
var ErrClosed = errors.New("results: already closed")
