package results

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/reuptake/reuptake/montecarlo/atomicfile"
)

// RowGroupRows is the number of rows per row group of the files that Writer
// writes (the last row group may be shorter).
const RowGroupRows = 64 * 1024

// rowBatch is the number of rows buffered by Writer before they are handed to
// the Parquet writer (which works in batches of 64 rows).
const rowBatch = 64

// writeBufferSize is the size of the buffer between the Parquet writer and the
// file.
const writeBufferSize = 1 << 20

// zstdCodec is shared by all writers; it pools its encoders.
var zstdCodec = &zstd.Codec{Level: zstd.SpeedDefault}

// Writer writes one results table to a Parquet file. Rows are written to a
// temporary file in the destination directory, which Close renames to the
// final path once the file is complete and synced; Abort removes it. A Writer
// is not safe for concurrent use.
//
// The usual pattern is:
//
//	w, err := results.Create(path, results.Timeseries, cols, meta)
//	if err != nil { ... }
//	defer w.Abort() // no-op after a successful Close
//	for ... { if err := w.Write(rep, t, values); err != nil { return err } }
//	return w.Close()
type Writer struct {
	path    string
	kind    Kind
	cols    []Column
	f       *atomicfile.File
	pw      *parquet.GenericWriter[any]
	rows    []parquet.Row
	n       int // rows buffered in rows
	first   int // index of the first value column in a row
	written int64
	err     error // sticky error of the Parquet writer
	done    bool  // closed or aborted
}

// Create starts writing a results table of the given kind and value columns
// to path. The parent directories are created as needed. The file is written
// under a temporary name in the same directory (".<base>.tmp-<random>") and
// only appears under path when Close succeeds; an existing file at path is
// then replaced atomically.
//
// The file's key-value metadata holds every entry of meta plus MetaColumns
// (the JSON of cols) and MetaKind, which Create sets itself, overriding any
// value given in meta. Create does not add MetaCreated: files written from
// the same inputs are byte-identical unless the caller sets it.
//
// Column names must pass ValidColumnName and be distinct.
func Create(path string, kind Kind, cols []Column, meta map[string]string) (*Writer, error) {
	schema, err := buildSchema(kind, cols)
	if err != nil {
		return nil, err
	}
	if _, base := filepath.Split(path); base == "" {
		return nil, fmt.Errorf("results: create %q: path names a directory", path)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: create %s: %w", path, err)
	}

	cols = append([]Column(nil), cols...)
	opts := []parquet.WriterOption{
		schema,
		parquet.Compression(zstdCodec),
		parquet.MaxRowsPerRowGroup(RowGroupRows),
		parquet.DataPageStatistics(true),
		parquet.DataPageVersion(1),
		parquet.WriteBufferSize(writeBufferSize),
	}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	opts = append(opts,
		parquet.KeyValueMetadata(MetaColumns, encodeColumns(cols)),
		parquet.KeyValueMetadata(MetaKind, kind.String()),
	)

	w := &Writer{
		path: path,
		kind: kind,
		cols: cols,
		f:    f,
		pw:   parquet.NewGenericWriter[any](f, opts...),
		rows: make([]parquet.Row, rowBatch),
	}
	w.first = 1
	if kind.HasTime() {
		w.first = 2
	}
	width := w.first + len(cols)
	for i := range w.rows {
		w.rows[i] = make(parquet.Row, width)
	}
	return w, nil
}

// Path returns the final path of the file.
func (w *Writer) Path() string { return w.path }

// Kind returns the kind of the table.
func (w *Writer) Kind() Kind { return w.kind }

// Columns returns the value columns of the table; the caller must not modify
// the returned slice.
func (w *Writer) Columns() []Column { return w.cols }

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.written + int64(w.n) }

// Write appends one row. values holds one value per column given to Create,
// in that order; tMS is ignored for Summary tables. Write does not allocate
// in steady state: rows are buffered and handed to the Parquet writer in
// batches. After an I/O error every later Write and Close returns that error.
func (w *Writer) Write(replicate int64, tMS float64, values []float64) error {
	if w.done {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if len(values) != len(w.cols) {
		return fmt.Errorf("results: write %s: got %d values, want %d", w.path, len(values), len(w.cols))
	}
	row := w.rows[w.n]
	row[0] = parquet.Int64Value(replicate).Level(0, 0, 0)
	if w.first == 2 {
		row[1] = parquet.DoubleValue(tMS).Level(0, 0, 1)
	}
	for i, v := range values {
		row[w.first+i] = parquet.DoubleValue(v).Level(0, 0, w.first+i)
	}
	w.n++
	if w.n == len(w.rows) {
		return w.flushRows()
	}
	return nil
}

// flushRows hands the buffered rows to the Parquet writer.
func (w *Writer) flushRows() error {
	if w.n == 0 {
		return nil
	}
	batch := w.n
	n, err := w.pw.WriteRows(w.rows[:batch])
	w.written += int64(n)
	w.n = 0
	if err == nil && n != batch {
		err = errors.New("short write")
	}
	if err != nil {
		w.err = fmt.Errorf("results: write %s: %w", w.path, err)
		return w.err
	}
	return nil
}

// Close writes the buffered rows and the footer, syncs the temporary file,
// renames it to the final path and syncs the directory. On error the
// temporary file is removed and nothing appears under the final path (unless
// only the final directory sync failed, in which case the file is in place
// but its durability is not guaranteed). Close after Close or Abort returns
// ErrClosed.
func (w *Writer) Close() error {
	if w.done {
		return ErrClosed
	}
	err := w.finish()
	if err != nil {
		w.Abort()
		return err
	}
	w.done = true
	if err := w.f.Commit(); err != nil {
		return fmt.Errorf("results: close %s: %w", w.path, err)
	}
	return nil
}

// finish writes the buffered rows and the footer to the temporary file.
func (w *Writer) finish() error {
	if w.err != nil {
		return w.err
	}
	if err := w.flushRows(); err != nil {
		return err
	}
	if err := w.pw.Close(); err != nil {
		return fmt.Errorf("results: close %s: %w", w.path, err)
	}
	return nil
}

// Abort discards the table: it closes and removes the temporary file. It is a
// no-op after Close or Abort, and on a nil Writer, so it can be deferred
// right after Create.
func (w *Writer) Abort() {
	if w == nil || w.done {
		return
	}
	w.done = true
	w.f.Abort()
}
