package space

import (
	"fmt"
	"math"
)

// BoxSpec is a rectangular box of free medium with walls on all six sides.
// Each face of the box is a membrane region named after it ("xmin", "xmax",
// "ymin", "ymax", "zmin", "zmax") unless listed in Absorbing, in which case
// a sink layer lies behind it.
type BoxSpec struct {
	Size      [3]float64 // µm
	Voxel     float64    // µm
	Absorbing []string   // faces that absorb instead of reflecting
	// Regions name parts of the box as volume regions (for a D or a
	// porous medium of their own); free voxels whose centre lies in none
	// are in region "box". Later entries win where they overlap.
	Regions []BoxRegion
}

// BoxRegion is the axis-aligned part [Lo, Hi) of a box (µm, box
// coordinates) given its own volume region.
type BoxRegion struct {
	Name   string
	Lo, Hi [3]float64
}

var faceNames = [6]string{"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"}

// Dims is the number of voxels of the box's grid along each axis (the box
// and one wall layer on each side); ok is false when the sizes are not
// positive whole numbers of voxels (Box says why).
func (s BoxSpec) Dims() (n [3]int, ok bool) {
	if !(s.Voxel > 0) {
		return n, false
	}
	for a := 0; a < 3; a++ {
		f := s.Size[a] / s.Voxel
		if !(f >= 1) || f > 1<<20 {
			return n, false
		}
		n[a] = int(math.Round(f)) + 2
	}
	return n, true
}

// Box builds a box geometry. The box spans [0, Size] on each axis; the
// walls (or sinks) lie in one extra layer of voxels around it.
func Box(s BoxSpec) (*Grid, error) {
	if !(s.Voxel > 0) {
		return nil, fmt.Errorf("space: box voxel size must be positive (µm), got %v", s.Voxel)
	}
	var n [3]int
	for a := 0; a < 3; a++ {
		if !(s.Size[a] > 0) || math.IsInf(s.Size[a], 0) {
			return nil, fmt.Errorf("space: box size along %c must be a positive length (µm), got %v", "xyz"[a], s.Size[a])
		}
		f := s.Size[a] / s.Voxel
		n[a] = int(math.Round(f))
		if n[a] < 1 || math.Abs(f-float64(n[a])) > 1e-6*f {
			return nil, fmt.Errorf("space: box size %g µm along %c is not a whole number of %g µm voxels", s.Size[a], "xyz"[a], s.Voxel)
		}
		n[a] += 2
	}
	for _, r := range s.Regions {
		if r.Name == "" || r.Name == "box" {
			return nil, fmt.Errorf("space: a box region needs a name other than \"box\", got %q", r.Name)
		}
	}
	absorb := [6]bool{}
	for _, f := range s.Absorbing {
		found := false
		for d, name := range faceNames {
			if f == name {
				absorb[d], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("space: unknown box face %q (want one of %v)", f, faceNames)
		}
	}
	b, err := NewBuilder([3]float64{-s.Voxel, -s.Voxel, -s.Voxel}, s.Voxel, n)
	if err != nil {
		return nil, err
	}
	for k := 0; k < n[2]; k++ {
		for j := 0; j < n[1]; j++ {
			for i := 0; i < n[0]; i++ {
				c := [3]int{i, j, k}
				kind := Free
				for a := 0; a < 3; a++ {
					if c[a] == 0 || c[a] == n[a]-1 {
						d := 2 * a
						if c[a] != 0 {
							d++
						}
						if absorb[d] {
							kind = Sink
						} else if kind != Sink {
							kind = Wall
						}
					}
				}
				b.Set(i, j, k, kind)
				if kind == Free {
					name := "box"
					ctr := b.Grid().Center(i, j, k)
					for _, r := range s.Regions {
						if ctr[0] >= r.Lo[0] && ctr[0] < r.Hi[0] && ctr[1] >= r.Lo[1] && ctr[1] < r.Hi[1] && ctr[2] >= r.Lo[2] && ctr[2] < r.Hi[2] {
							name = r.Name
						}
					}
					b.SetRegion(i, j, k, name)
				}
			}
		}
	}
	b.TileRegion(func(_, dir int, _ [3]float64) string { return faceNames[dir] })
	return b.Build()
}

// CleftSpec describes a synapse: a presynaptic terminal and a postsynaptic
// spine, modelled as two coaxial cylinders of radius MembraneRadius whose
// flat faces are Width apart, centred on the origin with the cleft in the
// plane z = 0 (presynaptic side at z > 0). Extrasynaptic space surrounds
// them out to an absorbing boundary (a sink layer on every face of the
// domain box).
type CleftSpec struct {
	Voxel          float64 // voxel edge, µm; must divide Width
	Width          float64 // cleft width, µm
	SynapseRadius  float64 // radius of the synaptic contact (active zone facing the postsynaptic density)
	PSDRadius      float64 // radius of the postsynaptic density, ≤ SynapseRadius
	MembraneRadius float64 // radius of the two cylinders; the perisynaptic ring lies between SynapseRadius and it
	HalfWidth      float64 // lateral half-size of the domain box, µm (> MembraneRadius)
	HalfHeight     float64 // vertical half-size of the domain box, µm (> Width/2)
}

// Cleft volume and membrane region names.
const (
	RegionCleft         = "cleft"         // free voxels between the two membranes within SynapseRadius
	RegionPerisynaptic  = "perisynaptic"  // free voxels between the two membranes beyond SynapseRadius
	RegionExtrasynaptic = "extrasynaptic" // all other free voxels
	TilePSD             = "psd"           // postsynaptic face, r < PSDRadius
	TilePost            = "post"          // postsynaptic face, PSDRadius ≤ r < SynapseRadius
	TilePre             = "pre"           // presynaptic face, r < SynapseRadius (active zone)
	TilePeri            = "peri"          // both faces, SynapseRadius ≤ r: perisynaptic (glial) ring
	TileLateral         = "lateral"       // outer sides of the cylinders
)

// Validate checks the cleft dimensions.
func (s CleftSpec) Validate() error {
	pos := []struct {
		name string
		v    float64
	}{{"voxel", s.Voxel}, {"width", s.Width}, {"synapse_radius", s.SynapseRadius}, {"psd_radius", s.PSDRadius},
		{"membrane_radius", s.MembraneRadius}, {"half_width", s.HalfWidth}, {"half_height", s.HalfHeight}}
	for _, p := range pos {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return fmt.Errorf("cleft %s must be a positive length (µm), got %v", p.name, p.v)
		}
	}
	if f := s.Width / s.Voxel; math.Abs(f-math.Round(f)) > 1e-6 || math.Round(f) < 1 {
		return fmt.Errorf("cleft width %g µm must be a whole number of voxels (voxel %g µm); try voxel = %g µm", s.Width, s.Voxel, s.Width/math.Max(1, math.Round(f)))
	}
	if s.PSDRadius > s.SynapseRadius {
		return fmt.Errorf("cleft psd_radius %g µm exceeds synapse_radius %g µm", s.PSDRadius, s.SynapseRadius)
	}
	if s.SynapseRadius > s.MembraneRadius {
		return fmt.Errorf("cleft synapse_radius %g µm exceeds membrane_radius %g µm", s.SynapseRadius, s.MembraneRadius)
	}
	if s.HalfWidth < s.MembraneRadius+2*s.Voxel {
		return fmt.Errorf("cleft half_width %g µm must exceed membrane_radius %g µm by at least two voxels", s.HalfWidth, s.MembraneRadius)
	}
	if s.HalfHeight < s.Width/2+2*s.Voxel {
		return fmt.Errorf("cleft half_height %g µm must exceed half the width by at least two voxels", s.HalfHeight)
	}
	return nil
}

// Dims is the number of voxels the cleft grid needs along each axis.
func (s CleftSpec) Dims() [3]int {
	nl := int(math.Ceil(s.HalfWidth/s.Voxel)) + 1 // +1 for the sink layer
	nz := int(math.Ceil((s.HalfHeight-s.Width/2)/s.Voxel)) + 1
	nw := int(math.Round(s.Width / s.Voxel))
	return [3]int{2 * nl, 2 * nl, 2*nz + nw}
}

// Cleft builds the synapse geometry of s.
func Cleft(s CleftSpec) (*Grid, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("space: %w", err)
	}
	n := s.Dims()
	h := s.Voxel
	nl := n[0] / 2
	nz := (n[2] - int(math.Round(s.Width/h))) / 2
	origin := [3]float64{-float64(nl) * h, -float64(nl) * h, -s.Width/2 - float64(nz)*h}
	b, err := NewBuilder(origin, h, n)
	if err != nil {
		return nil, err
	}
	g := b.Grid()
	half := s.Width / 2
	r2m := s.MembraneRadius * s.MembraneRadius
	for k := 0; k < n[2]; k++ {
		for j := 0; j < n[1]; j++ {
			for i := 0; i < n[0]; i++ {
				if i == 0 || j == 0 || k == 0 || i == n[0]-1 || j == n[1]-1 || k == n[2]-1 {
					b.Set(i, j, k, Sink)
					continue
				}
				c := g.Center(i, j, k)
				r2 := c[0]*c[0] + c[1]*c[1]
				inCyl := r2 < r2m
				switch {
				case inCyl && math.Abs(c[2]) > half:
					b.Set(i, j, k, Wall)
				case inCyl && r2 < s.SynapseRadius*s.SynapseRadius:
					b.SetRegion(i, j, k, RegionCleft)
				case inCyl:
					b.SetRegion(i, j, k, RegionPerisynaptic)
				default:
					b.SetRegion(i, j, k, RegionExtrasynaptic)
				}
			}
		}
	}
	rs2, rp2 := s.SynapseRadius*s.SynapseRadius, s.PSDRadius*s.PSDRadius
	b.TileRegion(func(_, dir int, c [3]float64) string {
		r2 := c[0]*c[0] + c[1]*c[1]
		switch dir {
		case ZPlus: // face of a cleft voxel towards the presynaptic terminal
			if r2 < rs2 {
				return TilePre
			}
			return TilePeri
		case ZMinus:
			switch {
			case r2 < rp2:
				return TilePSD
			case r2 < rs2:
				return TilePost
			}
			return TilePeri
		}
		return TileLateral
	})
	return b.Build()
}
