package space

// CleftLabels is the label volume of a grid g built by Cleft(spec), in the
// label convention of space/testdata/cleft_mask.yaml, so that a mask
// geometry with that label table reproduces the cleft builder voxel for
// voxel and tile for tile: 0 sink (outer layer), 1 cleft, 2 perisynaptic,
// 3 extrasynaptic (free); a wall voxel is 7 (perisynaptic ring of either
// terminal) beyond the synapse radius, else 4 (presynaptic active zone)
// above z = 0, else 5 (PSD) inside the PSD radius, else 6 (postsynaptic
// outside the PSD), decided by the position of its centre. The data are
// in NumPy C order, [i][j][k] = (x, y, z), as WriteNPY expects.
func CleftLabels(g *Grid, spec CleftSpec) (shape [3]int, data []uint16) {
	n := g.N
	data = make([]uint16, n[0]*n[1]*n[2])
	names := g.RegionNames()
	rs2, rp2 := spec.SynapseRadius*spec.SynapseRadius, spec.PSDRadius*spec.PSDRadius
	for i := 0; i < n[0]; i++ {
		for j := 0; j < n[1]; j++ {
			for k := 0; k < n[2]; k++ {
				v := g.Index(i, j, k)
				c := g.Center(i, j, k)
				r2 := c[0]*c[0] + c[1]*c[1]
				var l uint16
				switch g.Kind(v) {
				case Sink:
					l = 0
				case Free:
					switch names[g.Region(v)] {
					case RegionCleft:
						l = 1
					case RegionPerisynaptic:
						l = 2
					default:
						l = 3
					}
				case Wall:
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
				data[(i*n[1]+j)*n[2]+k] = l
			}
		}
	}
	return n, data
}
