package montecarlo

import (
	"fmt"
	"io"
	"os"
	"unsafe"
)

// Tape holds the events and snapshot rows of one replicate from the time
// the engine records them until the replicate is written (replicates run
// in parallel but are written in order). Rows beyond a few megabytes per
// table go to a temporary file, so memory does not grow with the number of
// events; Release removes it.
type Tape struct {
	Events    spool[Event]
	Molecules spool[MoleculeRow]
	Sites     spool[SiteRow]
	// Subsampled is set when a snapshot had more free molecules than the
	// cap and was subsampled.
	Subsampled bool
}

// spoolChunk is the number of rows a spool keeps in memory before it
// writes them to its file.
const spoolChunk = 1 << 15

// spool is an append-only sequence of fixed-size, pointer-free rows,
// spilled to a temporary file (in the process's own byte layout: it is
// read back only by this process) in chunks of spoolChunk rows.
type spool[T any] struct {
	buf   []T
	f     *os.File
	onDsk int   // rows in the file
	err   error // first write error, reported by Each
	dir   string
	// counting spools (of a size estimate) only count their rows.
	counting bool
	counted  int
}

// Len is the number of rows.
func (s *spool[T]) Len() int { return s.onDsk + len(s.buf) + s.counted }

func (s *spool[T]) add(r T) {
	if s.counting {
		s.counted++
		return
	}
	if len(s.buf) == spoolChunk {
		s.spill()
	}
	s.buf = append(s.buf, r)
}

func bytesOf[T any](rows []T) []byte {
	if len(rows) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&rows[0])), len(rows)*int(unsafe.Sizeof(z)))
}

func (s *spool[T]) spill() {
	if s.err != nil {
		s.buf = s.buf[:0]
		return
	}
	if s.f == nil {
		s.f, s.err = os.CreateTemp(s.dir, ".reuptake-tape-*")
		if s.err != nil {
			s.err = fmt.Errorf("spilling output rows to a temporary file: %w", s.err)
			s.buf = s.buf[:0]
			return
		}
		os.Remove(s.f.Name()) // unlinked: gone when closed, even after a crash
	}
	if _, err := s.f.Write(bytesOf(s.buf)); err != nil {
		s.err = fmt.Errorf("spilling output rows to a temporary file: %w", err)
	}
	s.onDsk += len(s.buf)
	s.buf = s.buf[:0]
}

// Each calls fn for every row, in the order they were added.
func (s *spool[T]) Each(fn func(*T) error) error {
	if s.err != nil {
		return s.err
	}
	if s.f != nil {
		if _, err := s.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		chunk := make([]T, spoolChunk)
		for left := s.onDsk; left > 0; {
			n := min(left, spoolChunk)
			if _, err := io.ReadFull(s.f, bytesOf(chunk[:n])); err != nil {
				return fmt.Errorf("reading back spilled output rows: %w", err)
			}
			for i := range chunk[:n] {
				if err := fn(&chunk[i]); err != nil {
					return err
				}
			}
			left -= n
		}
	}
	for i := range s.buf {
		if err := fn(&s.buf[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *spool[T]) release() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
	s.buf, s.onDsk, s.err = nil, 0, nil
}

// Release frees the tape's memory and temporary files.
func (t *Tape) Release() {
	if t == nil {
		return
	}
	t.Events.release()
	t.Molecules.release()
	t.Sites.release()
}

// Release frees what the replicate holds beyond its samples (its Tape).
func (r Replicate) Release() { r.Tape.Release() }

// RowEstimate is the number of rows a model writes per replicate in each
// optional table, estimated by EstimateRows.
type RowEstimate struct {
	Events, Snapshots, Sites int64
}

// EstimateRows runs replicate 0 of m with the given seed, counting the rows
// it would record in the events, snapshots and sites tables (without
// keeping them): the per-replicate size of those tables, to check a run
// against a limit before it starts. It returns zeros at once for a model
// that records neither events nor snapshots.
func EstimateRows(m *Model, seed uint64) RowEstimate {
	if !m.out.on() {
		return RowEstimate{}
	}
	t := &Tape{}
	t.Events.counting, t.Molecules.counting, t.Sites.counting = true, true, true
	e := NewEngine(m)
	e.Record(t)
	e.Reset(seed, 0)
	e.Run(func(float64, []float64) {})
	return RowEstimate{Events: int64(t.Events.Len()), Snapshots: int64(t.Molecules.Len()), Sites: int64(t.Sites.Len())}
}
