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

// wyrand is Wang Yi's wyrand generator: a Weyl sequence mixed by one
// 128-bit multiply. The state is passed by value so that it lives in a
// register.
func wyrand(s uint64) (uint64, uint64) {
	s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(s, s^0xe7037ed1a0b428db)
	return hi ^ lo, s
}

// slow finishes a ziggurat draw r that missed the fast path (written out
// in bareSteps): the exact wedge and tail tests, then fresh draws until one
// is accepted. It returns the variate and the generator state.
func (z *bareZig) slow(r, s uint64) (float64, uint64) {
	for {
		i := r & 127
		u := r >> 8
		x := float64(u) * z.w[i]
		if r&0x80 != 0 {
			x = -x
		}
		if u < z.k[i] {
			return x, s
		}
		var a, b uint64
		if i == 0 {
			for {
				a, s = wyrand(s)
				b, s = wyrand(s)
				ea := -math.Log(open01(a)) / 3.442619855899
				if 2*-math.Log(open01(b)) > ea*ea {
					return math.Copysign(3.442619855899+ea, x), s
				}
			}
		}
		a, s = wyrand(s)
		if z.f[i]+open01(a)*(z.f[i+1]-z.f[i]) < math.Exp(-0.5*x*x) {
			return x, s
		}
		r, s = wyrand(s)
	}
}

func open01(r uint64) float64 { return (float64(r>>12) + 0.5) * (1.0 / (1 << 52)) }

// reflect folds x into [0, l] by specular reflection at both walls: one
// test per wall, a loop only for a step longer than the box.
func reflect(x, l float64) float64 {
	if x < 0 {
		x = -x
	}
	if x > l {
		x = 2*l - x
		if x < 0 {
			for x < 0 || x > l {
				if x < 0 {
					x = -x
				} else {
					x = 2*l - x
				}
			}
		}
	}
	return x
}

// bareSteps moves every molecule steps times and returns the generator
// state. The generator and the ziggurat's fast path (one random number,
// about 98.8% of draws, the sign set without a branch) are written out in
// the loop so that the state stays in a register.
func bareSteps(x, y, z []float64, sd float64, zig *bareZig, s uint64, steps int) uint64 {
	cols := [3][]float64{x, y[:len(x)], z[:len(x)]}
	lim := [3]float64{1, 1, 0.02}
	for ; steps > 0; steps-- {
		for i := range x {
			for a := 0; a < 3; a++ {
				s += 0xa0761d6478bd642f
				hi, lo := bits.Mul64(s, s^0xe7037ed1a0b428db)
				r := hi ^ lo
				k := r & 127
				var g float64
				if u := r >> 8; u < zig.k[k] {
					g = math.Float64frombits(math.Float64bits(float64(u)*zig.w[k]) | (r&0x80)<<56)
				} else {
					g, s = zig.slow(r, s)
				}
				c := cols[a]
				c[i] = reflect(c[i]+sd*g, lim[a])
			}
		}
	}
	return s
}

// BenchmarkBareLoop: M1's work (100,000 molecules, D = 0.4 µm²/ms,
// Δt = 0.1 µs, the 1 × 1 × 0.02 µm reflecting box) as a bare loop, 100
// steps per round after 200 steps of spreading, as BenchmarkM1FreeDiffusion.
func BenchmarkBareLoop(b *testing.B) {
	const n = 100_000
	sd := math.Sqrt(2 * 0.4 * 1e-4)
	x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], z[i] = 0.5, 0.5, 0.01
	}
	zig := newBareZig()
	s := bareSteps(x, y, z, sd, zig, 1, 200)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		s = bareSteps(x, y, z, sd, zig, s, 100)
	}
	b.StopTimer()
	molSteps := float64(b.N) * 100 * n
	b.ReportMetric(molSteps/b.Elapsed().Seconds(), "molsteps/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e9/molSteps, "ns/molstep")
	// A check that the loop did its work: the mean z of a box-filling
	// cloud is half the height (SE 0.02/√12/√n ≈ 2e-5 µm).
	mean := 0.0
	for _, v := range z {
		mean += v
	}
	if mean /= n; math.Abs(mean-0.01) > 1e-4 {
		b.Fatalf("mean z %g µm, want 0.01", mean)
	}
}
