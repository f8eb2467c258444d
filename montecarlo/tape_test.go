package montecarlo

import "testing"

// TestSpoolSpills: rows beyond one chunk go to the temporary file, the
// memory held stays one chunk, and Each returns every row in order.
func TestSpoolSpills(t *testing.T) {
	var s spool[Event]
	s.dir = t.TempDir()
	const n = 3*spoolChunk + 17
	for i := 0; i < n; i++ {
		s.add(Event{T: float64(i), Molecule: int64(i), Site: int32(i % 7)})
		if len(s.buf) > spoolChunk {
			t.Fatalf("%d rows in memory", len(s.buf))
		}
	}
	defer s.release()
	if s.Len() != n || s.onDsk != 3*spoolChunk || s.f == nil {
		t.Fatalf("Len %d, on disk %d", s.Len(), s.onDsk)
	}
	i := 0
	if err := s.Each(func(e *Event) error {
		if e.T != float64(i) || e.Molecule != int64(i) || e.Site != int32(i%7) {
			t.Fatalf("row %d = %+v", i, *e)
		}
		i++
		return nil
	}); err != nil || i != n {
		t.Fatalf("Each: %d rows, %v", i, err)
	}
	// A second pass reads the same rows again.
	i = 0
	s.Each(func(*Event) error { i++; return nil })
	if i != n {
		t.Fatalf("second pass: %d rows", i)
	}
}
