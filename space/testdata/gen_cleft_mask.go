//go:build ignore

// gen_cleft_mask writes space/testdata/cleft_mask.npy: the synapse of
// space.Cleft (10 nm voxels, a 20 nm cleft between two cylinders of radius
// 200 nm) as a label volume, so that the mask geometry of
// space/testdata/cleft_mask.yaml reproduces the cleft builder voxel for
// voxel and tile for tile. Run from the repository root:
//
//	go run space/testdata/gen_cleft_mask.go
//
// Labels: 0 sink (outer layer), 1 cleft, 2 perisynaptic, 3 extrasynaptic
// (free); 4 presynaptic active zone, 5 PSD, 6 postsynaptic outside the PSD,
// 7 perisynaptic ring of either terminal (wall). A voxel of the wall takes
// the membrane its cleft-facing face has in space.Cleft (decided by the
// radius of its centre); faces seen from extrasynaptic space are "lateral",
// which label 3 sets for all its faces.
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
	n := g.N
	data := make([]uint16, n[0]*n[1]*n[2])
	names := g.RegionNames()
	rs2, rp2 := Spec.SynapseRadius*Spec.SynapseRadius, Spec.PSDRadius*Spec.PSDRadius
	for i := 0; i < n[0]; i++ {
		for j := 0; j < n[1]; j++ {
			for k := 0; k < n[2]; k++ {
				v := g.Index(i, j, k)
				c := g.Center(i, j, k)
				r2 := c[0]*c[0] + c[1]*c[1]
				var l uint16
				switch g.Kind(v) {
				case space.Sink:
					l = 0
				case space.Free:
					switch names[g.Region(v)] {
					case space.RegionCleft:
						l = 1
					case space.RegionPerisynaptic:
						l = 2
					default:
						l = 3
					}
				case space.Wall:
					switch {
					case r2 >= rs2:
						l = 7
					case c[2] > 0:
						l = 4
					case r2 < rp2:
						l = 5
					default:
						l = 6
					}
				}
				data[(i*n[1]+j)*n[2]+k] = l // NumPy C order: [i][j][k] = (x, y, z)
			}
		}
	}
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
