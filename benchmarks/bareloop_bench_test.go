package benchmarks

import (
	"math"
	"math/bits"
	"testing"
)

// The bare loop: the least work M1 can be done with, as a yardstick for
// the engine in the same run. 100,000 molecules in struct-of-arrays
// float64 slices, a wyrand generator (one 64-bit multiply per number), an
// exact 128-layer ziggurat for the three normals of a step, and specular
// reflection at the walls of the 1 × 1 × 0.02 µm box; no voxels, sites,
// regions or bookkeeping. BenchmarkM1FreeDiffusion over BenchmarkBareLoop,
// both with -cpu 1 in one command, is the engine's overhead ratio (the
// speed issue aims at 1.7):
//
//	go test ./benchmarks -run '^$' -bench 'BareLoop|M1FreeDiffusion' -cpu 1 -count 5

// wyrand is Wang Yi's wyrand generator: a Weyl sequence mixed by one
// 128-bit multiply.
type wyrand struct{ s uint64 }

func (w *wyrand) next() uint64 {
	w.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(w.s, w.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// bareZig holds the tables of a 128-layer ziggurat for the standard normal
// (Marsaglia and Tsang 2000).
type bareZig struct {
	k [128]uint64
	w [128]float64
	f [129]float64
	x [129]float64
}

func newBareZig() *bareZig {
	const r, v = 3.442619855899, 9.91256303526217e-3
	z := &bareZig{}
	pdf := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	z.x[0] = v / pdf(r)
	z.x[1] = r
	for i := 2; i < 128; i++ {
		z.x[i] = math.Sqrt(-2 * math.Log(v/z.x[i-1]+pdf(z.x[i-1])))
	}
	for i := 0; i < 128; i++ {
		z.k[i] = uint64(z.x[i+1] / z.x[i] * (1 << 56))
		z.w[i] = z.x[i] / (1 << 56)
	}
	for i := range z.f {
		z.f[i] = pdf(z.x[i])
	}
	return z
}

// norm draws a standard normal: the fast path takes one random number;
// the wedge and the tail are exact.
func (z *bareZig) norm(g *wyrand) float64 {
	for {
		rnd := g.next()
		i := rnd & 127
		u := rnd >> 8
		x := float64(u) * z.w[i]
		if rnd&0x80 != 0 {
			x = -x
		}
		if u < z.k[i] {
			return x
		}
		if i == 0 {
			for {
				a := -math.Log(unitOpen(g)) / 3.442619855899
				b := -math.Log(unitOpen(g))
				if 2*b > a*a {
					if x < 0 {
						return -(3.442619855899 + a)
					}
					return 3.442619855899 + a
				}
			}
		}
		y := z.f[i] + unitOpen(g)*(z.f[i+1]-z.f[i])
		if y < math.Exp(-0.5*x*x) {
			return x
		}
	}
}

func unitOpen(g *wyrand) float64 { return (float64(g.next()>>12) + 0.5) * (1.0 / (1 << 52)) }

// reflect folds x into [0, l] by specular reflection at both walls.
func reflect(x, l float64) float64 {
	for x < 0 || x > l {
		if x < 0 {
			x = -x
		}
		if x > l {
			x = 2*l - x
		}
	}
	return x
}

// BenchmarkBareLoop: M1's work (100,000 molecules, D = 0.4 µm²/ms,
// Δt = 0.1 µs, the 1 × 1 × 0.02 µm reflecting box) as a bare loop, 100
// steps per round after 200 steps of spreading, as BenchmarkM1FreeDiffusion.
func BenchmarkBareLoop(b *testing.B) {
	const n = 100_000
	const lx, ly, lz = 1.0, 1.0, 0.02
	sd := math.Sqrt(2 * 0.4 * 1e-4)
	x, y, zc := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], zc[i] = 0.5, 0.5, 0.01
	}
	g := &wyrand{s: 1}
	zig := newBareZig()
	step := func() {
		for i := range x {
			x[i] = reflect(x[i]+sd*zig.norm(g), lx)
			y[i] = reflect(y[i]+sd*zig.norm(g), ly)
			zc[i] = reflect(zc[i]+sd*zig.norm(g), lz)
		}
	}
	for s := 0; s < 200; s++ {
		step()
	}
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for s := 0; s < 100; s++ {
			step()
		}
	}
	b.StopTimer()
	molSteps := float64(b.N) * 100 * n
	b.ReportMetric(molSteps/b.Elapsed().Seconds(), "molsteps/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/molSteps, "ns/molstep")
	// A check that the loop did its work: the mean z of a box-filling
	// cloud is half the height.
	mean := 0.0
	for _, v := range zc {
		mean += v
	}
	if mean /= n; math.Abs(mean-lz/2) > 0.001 {
		b.Fatalf("mean z %g µm, want %g", mean, lz/2)
	}
}
