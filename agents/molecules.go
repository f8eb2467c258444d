// Package agents holds the things that act in a simulation: transmitter
// molecules (a struct-of-arrays store), sites (receptors, transporters,
// enzymes) whose kinetic schemes are data, and release protocols.
package agents

import "slices"

// Molecules is a struct-of-arrays store of free (diffusing) molecules.
// Removal swaps the last molecule into the hole, so order changes but
// stays a deterministic function of the sequence of operations.
type Molecules struct {
	X, Y, Z []float64 // position, µm
	Voxel   []int32   // voxel index of the position
	Species []uint16  // index into the model's species
	ID      []uint32  // serial number, unique within the store (a replicate, or one shard of it)
	// Skip is the number of coming steps a molecule sits out because its
	// last step was a long one covering them (see montecarlo's long steps).
	Skip   []uint8
	nextID uint32
}

// Len is the number of molecules.
func (m *Molecules) Len() int { return len(m.X) }

// Add appends a molecule and returns its index.
func (m *Molecules) Add(x, y, z float64, voxel int32, species uint16) int {
	m.X = append(m.X, x)
	m.Y = append(m.Y, y)
	m.Z = append(m.Z, z)
	m.Voxel = append(m.Voxel, voxel)
	m.Species = append(m.Species, species)
	m.ID = append(m.ID, m.nextID)
	m.Skip = append(m.Skip, 0)
	m.nextID++
	return len(m.X) - 1
}

// Remove deletes molecule i by moving the last molecule into its place.
func (m *Molecules) Remove(i int) {
	last := len(m.X) - 1
	m.X[i], m.Y[i], m.Z[i] = m.X[last], m.Y[last], m.Z[last]
	m.Voxel[i], m.Species[i], m.ID[i], m.Skip[i] = m.Voxel[last], m.Species[last], m.ID[last], m.Skip[last]
	m.X, m.Y, m.Z = m.X[:last], m.Y[:last], m.Z[:last]
	m.Voxel, m.Species, m.ID, m.Skip = m.Voxel[:last], m.Species[:last], m.ID[:last], m.Skip[:last]
}

// Reset empties the store, keeping its capacity.
func (m *Molecules) Reset() {
	m.X, m.Y, m.Z = m.X[:0], m.Y[:0], m.Z[:0]
	m.Voxel, m.Species, m.ID, m.Skip = m.Voxel[:0], m.Species[:0], m.ID[:0], m.Skip[:0]
	m.nextID = 0
}

// Grow makes room for n more molecules without reallocating. The
// capacity grows geometrically (as append's does), so a sequence of Grow
// and Add calls costs amortised O(1) per molecule: a replicate with 10⁵
// single-molecule release sites grows its store about 20 times, not 10⁵.
func (m *Molecules) Grow(n int) {
	// slices.Grow rounds each capacity up to its own size class, so the
	// fields' capacities differ: each is grown only when it lacks room.
	m.X, m.Y, m.Z = slices.Grow(m.X, n), slices.Grow(m.Y, n), slices.Grow(m.Z, n)
	m.Voxel = slices.Grow(m.Voxel, n)
	m.Species = slices.Grow(m.Species, n)
	m.ID = slices.Grow(m.ID, n)
	m.Skip = slices.Grow(m.Skip, n)
}

// Append adds molecule i of o to m, keeping its ID and Skip (a hand-over
// between stores).
func (m *Molecules) Append(o *Molecules, i int) {
	m.X = append(m.X, o.X[i])
	m.Y = append(m.Y, o.Y[i])
	m.Z = append(m.Z, o.Z[i])
	m.Voxel = append(m.Voxel, o.Voxel[i])
	m.Species = append(m.Species, o.Species[i])
	m.ID = append(m.ID, o.ID[i])
	m.Skip = append(m.Skip, o.Skip[i])
}

// SetNextID sets the serial number the next added molecule gets.
func (m *Molecules) SetNextID(id uint32) { m.nextID = id }

// NextID is the serial number the next added molecule gets.
func (m *Molecules) NextID() uint32 { return m.nextID }

// BytesPerMolecule is the storage one molecule takes in the store.
const BytesPerMolecule = 3*8 + 4 + 2 + 4 + 1
