package space

import (
	"fmt"
	"math"
)

// This file builds two test geometries with a curved absorbing boundary,
// as voxel masks (so that a model takes them as a geometry of kind
// "mask" with the labels in memory):
//
//   - DiskSpec: a disk of free medium in a thin slab between two reflecting
//     walls, with sink voxels all round the disk (escape from a disk with
//     an absorbing rim, docs/parameters.md §A7 T5);
//   - BallSpec: an absorbing ball of sink voxels at the centre of a cube of
//     free medium with reflecting walls (Smoluchowski's absorbing sphere,
//     §A7 T6).
//
// A voxel belongs to the disk or the ball when its centre does. The
// voxelised boundary is a staircase; EffectiveRadius gives the radius of
// the disk of equal area or the ball of equal volume.

// Mask labels of the test geometries.
const (
	labelFree uint16 = 0
	labelWall uint16 = 1
	labelSink uint16 = 2
)

func testLabels() map[int]MaskLabel {
	return map[int]MaskLabel{
		int(labelFree): {Kind: Free},
		int(labelWall): {Kind: Wall},
		int(labelSink): {Kind: Sink},
	}
}

// wholeVoxels is l/h, which must be a whole number.
func wholeVoxels(what string, l, h float64) (int, error) {
	if !(l > 0) || math.IsInf(l, 0) {
		return 0, fmt.Errorf("space: %s must be a positive length (µm), got %v", what, l)
	}
	f := l / h
	n := int(math.Round(f))
	if n < 1 || math.Abs(f-float64(n)) > 1e-6*f {
		return 0, fmt.Errorf("space: %s %g µm is not a whole number of %g µm voxels", what, l, h)
	}
	return n, nil
}

// DiskSpec is a disk of free medium of radius Radius centred on x = y = 0,
// in a slab 0 ≤ z ≤ Height between reflecting walls (a cleft with
// reflecting faces). Every slab voxel whose centre lies outside the disk is
// a sink, at least one voxel deep all round.
type DiskSpec struct {
	Radius, Height, Voxel float64 // µm
}

// Mask returns the disk as a voxel mask: label 0 free, 1 wall (the layers
// below z = 0 and above z = Height), 2 sink.
func (s DiskSpec) Mask() (MaskSpec, [3]int, []uint16, error) {
	var shape [3]int
	if !(s.Voxel > 0) || math.IsInf(s.Voxel, 0) {
		return MaskSpec{}, shape, nil, fmt.Errorf("space: disk voxel size must be positive (µm), got %v", s.Voxel)
	}
	if !(s.Radius > 0) || math.IsInf(s.Radius, 0) {
		return MaskSpec{}, shape, nil, fmt.Errorf("space: disk radius must be a positive length (µm), got %v", s.Radius)
	}
	nz, err := wholeVoxels("disk height", s.Height, s.Voxel)
	if err != nil {
		return MaskSpec{}, shape, nil, err
	}
	h := s.Voxel
	m := int(math.Ceil(s.Radius/h)) + 1 // voxels from the axis to the edge of the grid
	shape = [3]int{2 * m, 2 * m, nz + 2}
	data := make([]uint16, shape[0]*shape[1]*shape[2])
	for i := 0; i < shape[0]; i++ {
		x := (float64(i-m) + 0.5) * h
		for j := 0; j < shape[1]; j++ {
			y := (float64(j-m) + 0.5) * h
			in := x*x+y*y <= s.Radius*s.Radius
			for k := 0; k < shape[2]; k++ {
				l := labelSink
				switch {
				case k == 0 || k == shape[2]-1:
					l = labelWall
				case in:
					l = labelFree
				}
				data[(i*shape[1]+j)*shape[2]+k] = l
			}
		}
	}
	ms := MaskSpec{Path: "disk", Voxel: h, Origin: [3]float64{-float64(m) * h, -float64(m) * h, -h}, Labels: testLabels()}
	return ms, shape, data, nil
}

// EffectiveRadius is the radius of the disk with the area of the
// voxelised one, √(n·h²/π) for n free voxels in one layer.
func (s DiskSpec) EffectiveRadius() float64 {
	h := s.Voxel
	m := int(math.Ceil(s.Radius/h)) + 1
	n := 0
	for i := 0; i < 2*m; i++ {
		x := (float64(i-m) + 0.5) * h
		for j := 0; j < 2*m; j++ {
			y := (float64(j-m) + 0.5) * h
			if x*x+y*y <= s.Radius*s.Radius {
				n++
			}
		}
	}
	return math.Sqrt(float64(n) * h * h / math.Pi)
}

// Disk builds the geometry of s.
func Disk(s DiskSpec) (*Grid, error) {
	ms, shape, data, err := s.Mask()
	if err != nil {
		return nil, err
	}
	return Mask(ms, shape, data)
}

// BallSpec is an absorbing ball of sink voxels of radius Radius centred on
// the origin. With Outer = 0 it lies inside the cube |x|, |y|, |z| ≤
// HalfWidth of free medium with reflecting walls behind its faces; with
// Outer > 0 the free medium is the shell Radius < r ≤ Outer and every voxel
// beyond Outer is a sink too (at least one voxel deep; HalfWidth is then
// ignored).
type BallSpec struct {
	Radius, HalfWidth, Outer, Voxel float64 // µm
}

// Mask returns the ball as a voxel mask: label 0 free, 1 wall (one layer
// round the cube), 2 sink (the ball, and the outside of the outer sphere).
func (s BallSpec) Mask() (MaskSpec, [3]int, []uint16, error) {
	var shape [3]int
	if !(s.Voxel > 0) || math.IsInf(s.Voxel, 0) {
		return MaskSpec{}, shape, nil, fmt.Errorf("space: ball voxel size must be positive (µm), got %v", s.Voxel)
	}
	h := s.Voxel
	var m int
	if s.Outer > 0 {
		if !(s.Radius > 0) || s.Radius >= s.Outer || math.IsInf(s.Outer, 0) {
			return MaskSpec{}, shape, nil, fmt.Errorf("space: ball radius must be positive and less than the outer radius %g µm, got %v", s.Outer, s.Radius)
		}
		m = int(math.Ceil(s.Outer/h)) + 1
	} else {
		if !(s.Radius > 0) || s.Radius >= s.HalfWidth {
			return MaskSpec{}, shape, nil, fmt.Errorf("space: ball radius must be positive and less than the half-width %g µm, got %v", s.HalfWidth, s.Radius)
		}
		var err error
		if m, err = wholeVoxels("ball half-width", s.HalfWidth, h); err != nil {
			return MaskSpec{}, shape, nil, err
		}
	}
	n := 2*m + 2
	shape = [3]int{n, n, n}
	data := make([]uint16, n*n*n)
	r2, o2 := s.Radius*s.Radius, s.Outer*s.Outer
	for i := 0; i < n; i++ {
		x := (float64(i-m-1) + 0.5) * h
		for j := 0; j < n; j++ {
			y := (float64(j-m-1) + 0.5) * h
			for k := 0; k < n; k++ {
				z := (float64(k-m-1) + 0.5) * h
				l := labelFree
				q := x*x + y*y + z*z
				switch {
				case i == 0 || j == 0 || k == 0 || i == n-1 || j == n-1 || k == n-1:
					l = labelWall
				case q <= r2, s.Outer > 0 && q > o2:
					l = labelSink
				}
				data[(i*n+j)*n+k] = l
			}
		}
	}
	o := -float64(m+1) * h
	return MaskSpec{Path: "ball", Voxel: h, Origin: [3]float64{o, o, o}, Labels: testLabels()}, shape, data, nil
}

// equalVolumeRadius is the radius of the ball with the volume of the
// voxels of edge h whose centres lie within r of the origin (a voxel
// centre on the lattice (i + 1/2)·h).
func equalVolumeRadius(r, h float64) float64 {
	m := int(math.Ceil(r/h)) + 1
	n := 0
	for i := -m; i < m; i++ {
		x := (float64(i) + 0.5) * h
		for j := -m; j < m; j++ {
			y := (float64(j) + 0.5) * h
			for k := -m; k < m; k++ {
				z := (float64(k) + 0.5) * h
				if x*x+y*y+z*z <= r*r {
					n++
				}
			}
		}
	}
	return math.Cbrt(3 * float64(n) * h * h * h / (4 * math.Pi))
}

// OuterEffectiveRadius is the radius of the sphere with the volume
// enclosed by the voxelised outer sphere (0 without one).
func (s BallSpec) OuterEffectiveRadius() float64 {
	if s.Outer <= 0 {
		return 0
	}
	return equalVolumeRadius(s.Outer, s.Voxel)
}

// EffectiveRadius is the radius of the ball with the volume of the
// voxelised one, (3n·h³/4π)^(1/3) for n sink voxels.
func (s BallSpec) EffectiveRadius() float64 { return equalVolumeRadius(s.Radius, s.Voxel) }

// Ball builds the geometry of s.
func Ball(s BallSpec) (*Grid, error) {
	ms, shape, data, err := s.Mask()
	if err != nil {
		return nil, err
	}
	return Mask(ms, shape, data)
}
