package space

import (
	"slices"
	"testing"
)

// TestRegionNamesMatchGrid checks that the names each geometry kind
// declares are the names its builder gives the grid.
func TestRegionNamesMatchGrid(t *testing.T) {
	cleft := CleftSpec{Voxel: 0.02, Width: 0.02, SynapseRadius: 0.1, PSDRadius: 0.05, MembraneRadius: 0.2, HalfWidth: 0.3, HalfHeight: 0.1}
	box := BoxSpec{Size: [3]float64{0.2, 0.2, 0.2}, Voxel: 0.02, Absorbing: []string{"zmax"},
		Regions: []BoxRegion{{Name: "slab", Lo: [3]float64{0, 0, 0}, Hi: [3]float64{0.2, 0.2, 0.1}}}}
	mask := MaskSpec{Voxel: 0.02, Labels: map[int]MaskLabel{0: {Kind: Free}, 1: {Kind: Free, Region: "gap"}, 2: {Kind: Wall}, 3: {Kind: Wall, Membrane: "glia"}}}
	data := make([]uint16, 4*4*4)
	for i := range data {
		data[i] = []uint16{0, 3, 1, 2}[i%4] // along x: free, glia wall, free "gap", wall
	}
	cg, err := Cleft(cleft)
	if err != nil {
		t.Fatal(err)
	}
	bg, err := Box(box)
	if err != nil {
		t.Fatal(err)
	}
	mg, err := Mask(mask, [3]int{4, 4, 4}, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		g        *Grid
		vol, mem []string
	}{
		{"cleft", cg, cleft.VolumeRegions(), cleft.MembraneRegions()},
		{"box", bg, box.VolumeRegions(), box.MembraneRegions()},
		{"mask", mg, mask.VolumeRegions(), mask.MembraneRegions()},
	} {
		// Every declared name is one the grid has.
		for _, r := range c.vol {
			if !slices.Contains(c.g.RegionNames(), r) {
				t.Errorf("%s: declared volume region %q not in grid regions %v", c.name, r, c.g.RegionNames())
			}
		}
		for _, r := range c.mem {
			if !slices.Contains(c.g.TileRegions(), r) {
				t.Errorf("%s: declared membrane region %q not in grid tile regions %v", c.name, r, c.g.TileRegions())
			}
		}
		// Every membrane region that holds tiles is declared.
		for _, tl := range c.g.Tiles() {
			if r := c.g.TileRegions()[tl.Region]; !slices.Contains(c.mem, r) {
				t.Errorf("%s: grid has tiles in undeclared membrane region %q (declared %v)", c.name, r, c.mem)
				break
			}
		}
	}
	if slices.Contains(box.MembraneRegions(), "zmax") || len(box.MembraneRegions()) != 5 {
		t.Errorf("box with absorbing zmax: membrane regions %v, want the five other faces", box.MembraneRegions())
	}
	faces := BoxFaces()
	faces[0] = "changed"
	if BoxFaces()[0] != "xmin" {
		t.Error("BoxFaces returns the package's own array")
	}
}
