//go:build ignore

// gen_cleft_mask writes space/testdata/cleft_mask.npy: the synapse of
// space.Cleft (10 nm voxels, a 20 nm cleft between two cylinders of radius
// 200 nm) as a label volume, so that the mask geometry of
// space/testdata/cleft_mask.yaml reproduces the cleft builder voxel for
// voxel and tile for tile. Run from the repository root:
//
//	go run space/testdata/gen_cleft_mask.go
//
// Labels as space.CleftLabels gives them. A voxel of the wall takes the
// membrane its cleft-facing face has in space.Cleft (decided by the radius
// of its centre); faces seen from extrasynaptic space are "lateral", which
// label 3 sets for all its faces.
package main

import (
	"log"
	"os"

	"github.com/reuptake/reuptake/space"
)

// Spec is the cleft the mask reproduces (also in cleft_mask.yaml and the
// tests of package space and montecarlo).
var Spec = space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15, PSDRadius: 0.1,
	MembraneRadius: 0.2, HalfWidth: 0.3, HalfHeight: 0.15}

func main() {
	g, err := space.Cleft(Spec)
	if err != nil {
		log.Fatal(err)
	}
	n, data := space.CleftLabels(g, Spec)
	f, err := os.Create("space/testdata/cleft_mask.npy")
	if err != nil {
		log.Fatal(err)
	}
	if err := space.WriteNPY(f, n, data); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote space/testdata/cleft_mask.npy: %d×%d×%d, origin %v µm", n[0], n[1], n[2], g.Origin)
}
