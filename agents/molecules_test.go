package agents

import "testing"

// TestMoleculesGrowGeometric checks that Grow makes room without
// reallocating on the next n Adds, keeps the molecules, and grows the
// capacity geometrically: 10⁵ calls of Grow(1) then Add reallocate the
// store O(log n) times (append's growth gives about 30 for 10⁵ float64s;
// an exact-size Grow reallocates 10⁵ times and costs O(n²) copying).
func TestMoleculesGrowGeometric(t *testing.T) {
	var m Molecules
	const n = 100_000
	reallocs := 0
	for i := 0; i < n; i++ {
		m.Grow(1)
		c := cap(m.X)
		if c-len(m.X) < 1 || cap(m.Voxel)-len(m.Voxel) < 1 || cap(m.Skip)-len(m.Skip) < 1 ||
			cap(m.Species)-len(m.Species) < 1 || cap(m.ID)-len(m.ID) < 1 || cap(m.Y)-len(m.Y) < 1 || cap(m.Z)-len(m.Z) < 1 {
			t.Fatalf("Grow(1) at %d molecules left no room", i)
		}
		before := &m.X[:c][0]
		m.Add(float64(i), 2*float64(i), 3*float64(i), int32(i), uint16(i%7))
		if &m.X[0] != before {
			t.Fatalf("Add after Grow reallocated at %d molecules", i)
		}
		if i > 0 && c != cap(m.X) {
			t.Fatal("capacity changed without a Grow")
		}
		if i+1 < n {
			if cap(m.X)-len(m.X) < 1 {
				reallocs++
			}
		}
	}
	if reallocs > 40 {
		t.Errorf("%d reallocations over %d single Grow+Add calls; want O(log n), at most 40", reallocs, n)
	}
	// Grow by a large n at once gives at least that room.
	m.Grow(3 * n)
	if cap(m.X)-len(m.X) < 3*n || cap(m.Skip)-len(m.Skip) < 3*n {
		t.Errorf("Grow(%d) left room for %d", 3*n, cap(m.X)-len(m.X))
	}
	if m.Len() != n {
		t.Fatalf("Len = %d, want %d", m.Len(), n)
	}
	for i := 0; i < n; i += 9973 {
		if m.X[i] != float64(i) || m.Y[i] != 2*float64(i) || m.Z[i] != 3*float64(i) ||
			m.Voxel[i] != int32(i) || m.Species[i] != uint16(i%7) || m.ID[i] != uint32(i) || m.Skip[i] != 0 {
			t.Fatalf("molecule %d changed by growth", i)
		}
	}
}
