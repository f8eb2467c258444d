package space

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"
)

// npyBytes builds a .npy file by hand.
func npyBytes(version byte, header string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString(npyMagic)
	b.Write([]byte{version, 0})
	if version == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(payload)
	return b.Bytes()
}

func TestReadNPYGood(t *testing.T) {
	// A 2×3×4 array with value (i*3+j)*4+k, i.e. its C-order index.
	u1 := make([]byte, 24)
	u2 := make([]byte, 48)
	f1 := make([]byte, 24) // Fortran order: i fastest
	for q := range u1 {
		u1[q] = byte(q)
		binary.LittleEndian.PutUint16(u2[2*q:], uint16(q+1000))
	}
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 4; k++ {
				f1[i+2*(j+3*k)] = byte((i*3+j)*4 + k)
			}
		}
	}
	for _, c := range []struct {
		name string
		file []byte
		off  uint16
	}{
		{"u1 v1", npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }\n", u1), 0},
		{"u2 v2", npyBytes(2, "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3, 4), }\n", u2), 1000},
		{"u1 fortran", npyBytes(1, "{'fortran_order': True, 'shape': (2,3,4), 'descr': '|u1'}", f1), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			shape, data, err := ReadNPY(bytes.NewReader(c.file))
			if err != nil {
				t.Fatal(err)
			}
			if shape != [3]int{2, 3, 4} || len(data) != 24 {
				t.Fatalf("shape %v, %d values", shape, len(data))
			}
			for q, v := range data {
				if v != uint16(q)+c.off {
					t.Fatalf("data[%d] = %d, want %d", q, v, uint16(q)+c.off)
				}
			}
		})
	}
}

func TestReadNPYRoundTrip(t *testing.T) {
	for _, max := range []uint16{200, 3000} {
		data := make([]uint16, 5*6*7)
		for q := range data {
			data[q] = uint16(q) % max
		}
		var b bytes.Buffer
		if err := WriteNPY(&b, [3]int{5, 6, 7}, data); err != nil {
			t.Fatal(err)
		}
		shape, got, err := ReadNPY(&b)
		if err != nil || shape != [3]int{5, 6, 7} || fmt.Sprint(got) != fmt.Sprint(data) {
			t.Fatalf("round trip (max %d): shape %v, err %v", max, shape, err)
		}
	}
}

func TestReadNPYBad(t *testing.T) {
	good := "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }\n"
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"bad magic", append([]byte("\x93NUMPZ\x01\x00"), make([]byte, 80)...), "bad magic"},
		{"bad version", npyBytes(9, good, make([]byte, 8)), "version"},
		{"truncated header", npyBytes(1, good, nil)[:30], "truncated header"},
		{"not a dict", npyBytes(1, "descr: |u1", make([]byte, 8)), "malformed header"},
		{"no shape", npyBytes(1, "{'descr': '|u1', 'fortran_order': False}", make([]byte, 8)), "no shape"},
		{"bad shape", npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, x, 2)}", make([]byte, 8)), "non-negative integers"},
		{"float dtype", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2)}", make([]byte, 32)), "not supported"},
		{"big endian", npyBytes(1, "{'descr': '>u2', 'fortran_order': False, 'shape': (2, 2, 2)}", make([]byte, 16)), "big-endian"},
		{"2-D", npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 2)}", make([]byte, 8)), "3-D"},
		{"empty axis", npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 0, 2)}", nil), "no voxels"},
		{"short data", npyBytes(1, good, make([]byte, 7)), "truncated"},
		{"long data", npyBytes(1, good, make([]byte, 9)), "more data"},
		{"u2 short", npyBytes(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 2, 2)}", make([]byte, 8)), "needs 16"},
		{"too large", npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2000, 2000, 2000)}", make([]byte, 8)), "GiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadNPY(bytes.NewReader(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func FuzzReadNPY(f *testing.F) {
	f.Add(npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }\n", make([]byte, 8)))
	f.Add(npyBytes(2, "{'descr': '<u2', 'fortran_order': True, 'shape': (1, 2, 3), }\n", make([]byte, 12)))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		shape, data, err := ReadNPY(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(data) != shape[0]*shape[1]*shape[2] || len(data) > len(b) {
			t.Fatalf("shape %v with %d values from %d bytes", shape, len(data), len(b))
		}
	})
}

func TestMaskLabels(t *testing.T) {
	shape := [3]int{3, 3, 3}
	data := make([]uint16, 27)
	data[13] = 5 // the centre voxel [1][1][1]
	free := MaskLabel{Kind: Free}
	for _, c := range []struct {
		name string
		spec MaskSpec
		data []uint16
		want string
	}{
		{"unknown label", MaskSpec{Voxel: 0.01, Labels: map[int]MaskLabel{0: free}}, data, "label 5 (first at voxel [1][1][1])"},
		{"no voxel", MaskSpec{Labels: map[int]MaskLabel{0: free, 5: {Kind: Wall}}}, data, "voxel size"},
		{"no labels", MaskSpec{Voxel: 0.01}, data, "labels are missing"},
		{"wall region", MaskSpec{Voxel: 0.01, Labels: map[int]MaskLabel{0: free, 5: {Kind: Wall, Region: "x"}}}, data, "only free labels"},
		{"size mismatch", MaskSpec{Voxel: 0.01, Labels: map[int]MaskLabel{0: free, 5: {Kind: Wall}}}, data[:26], "needs 27"},
		{"no free", MaskSpec{Voxel: 0.01, Labels: map[int]MaskLabel{0: {Kind: Wall}, 5: {Kind: Wall}}}, data, "no free"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Mask(c.spec, shape, c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	// A glia voxel in the middle of free space: six tiles named "glia".
	g, err := Mask(MaskSpec{Voxel: 0.01, Labels: map[int]MaskLabel{0: free, 5: {Kind: Wall, Membrane: "glia"}}}, shape, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tiles()) != 6 || fmt.Sprint(g.TileRegions()) != "[glia]" {
		t.Fatalf("%d tiles in %v, want 6 in [glia]", len(g.Tiles()), g.TileRegions())
	}
	if v := g.RegionVolume()[1]; g.RegionNames()[1] != MaskDefaultRegion || v < 26e-6*(1-1e-9) || v > 26e-6*(1+1e-9) {
		t.Fatalf("regions %v, volumes %v", g.RegionNames(), g.RegionVolume())
	}
}

// MaskCleftSpec is the cleft that testdata/cleft_mask.npy reproduces (see
// testdata/gen_cleft_mask.go).
var maskCleftSpec = CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15, PSDRadius: 0.1,
	MembraneRadius: 0.2, HalfWidth: 0.3, HalfHeight: 0.15}

// CleftMaskLabels is the label table of testdata/cleft_mask.yaml.
var cleftMaskLabels = map[int]MaskLabel{
	0: {Kind: Sink},
	1: {Kind: Free, Region: RegionCleft},
	2: {Kind: Free, Region: RegionPerisynaptic},
	3: {Kind: Free, Region: RegionExtrasynaptic, Membrane: TileLateral},
	4: {Kind: Wall, Membrane: TilePre},
	5: {Kind: Wall, Membrane: TilePSD},
	6: {Kind: Wall, Membrane: TilePost},
	7: {Kind: Wall, Membrane: TilePeri},
}

// TestMaskMatchesCleft: the shipped mask, with the labels of its model
// file, gives the same voxels, regions and tiles as the cleft builder.
func TestMaskMatchesCleft(t *testing.T) {
	shape, data, err := ReadNPYFile("testdata/cleft_mask.npy")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Cleft(maskCleftSpec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Mask(MaskSpec{Voxel: 0.01, Origin: [3]float64{-0.31, -0.31, -0.16}, Labels: cleftMaskLabels}, shape, data)
	if err != nil {
		t.Fatal(err)
	}
	if got.N != want.N {
		t.Fatalf("mask %v voxels, cleft %v", got.N, want.N)
	}
	for a := 0; a < 3; a++ {
		if d := got.Origin[a] - want.Origin[a]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("origin %v, cleft %v", got.Origin, want.Origin)
		}
	}
	count := func(g *Grid) (map[string]int, map[string]float64) {
		tiles, vol := map[string]int{}, map[string]float64{}
		for _, tl := range g.Tiles() {
			tiles[g.TileRegions()[tl.Region]]++
		}
		for r, v := range g.RegionVolume() {
			if v > 0 {
				vol[g.RegionNames()[r]] = v
			}
		}
		return tiles, vol
	}
	gt, gv := count(got)
	wt, wv := count(want)
	if fmt.Sprint(gt) != fmt.Sprint(wt) || fmt.Sprint(gv) != fmt.Sprint(wv) {
		t.Fatalf("mask tiles %v volumes %v; cleft tiles %v volumes %v", gt, gv, wt, wv)
	}
	for v := 0; v < got.NumVoxels(); v++ {
		if got.Kind(v) != want.Kind(v) || got.Dist(v) != want.Dist(v) {
			t.Fatalf("voxel %d: mask %v (dist %d), cleft %v (dist %d)", v, got.Kind(v), got.Dist(v), want.Kind(v), want.Dist(v))
		}
	}
	for q, tl := range got.Tiles() {
		w := want.Tiles()[q]
		if tl.Voxel != w.Voxel || tl.Dir != w.Dir || got.TileRegions()[tl.Region] != want.TileRegions()[w.Region] {
			t.Fatalf("tile %d: mask %+v in %s, cleft %+v in %s", q, tl, got.TileRegions()[tl.Region], w, want.TileRegions()[w.Region])
		}
	}
	if st, err := os.Stat("testdata/cleft_mask.npy"); err != nil || st.Size() > 200<<10 {
		t.Fatalf("testdata/cleft_mask.npy should stay small: %v %v", st.Size(), err)
	}
}
