package montecarlo

import (
	"math"

	//lint:ignore SA1019 golang.org/x/exp/rand is the generator package the project's design names (docs/design.md §10); its PCGSource also satisfies math/rand/v2.Source, so moving is a one-file change.
	"golang.org/x/exp/rand"
)

// Stream is one independent random stream: a PCG generator from
// golang.org/x/exp/rand with an exact ziggurat normal on top. A stream is
// keyed by (seed, replicate, shard, purpose) through SplitMix64, never by
// the worker that uses it.
type Stream struct {
	src rand.PCGSource
}

// Purposes of streams within one replicate (the last part of a
// StreamKey), so that, for example, site placement does not shift the
// diffusion stream (docs/design.md §10). The values are part of the
// output: changing one changes every result.
const (
	// purposeDynamics keys the stream of a replicate or shard that steps
	// it: diffusion, hits, waiting times, degradation, immediate releases.
	purposeDynamics = 1
	// purposePlacement keys the streams that place sites on tiles and in
	// voxels, and random release sites.
	purposePlacement = 2
	// purposeInitState keys the stream that draws initial site states
	// from an equilibrium (drug-targeted sites).
	purposeInitState = 3
	// purposeRelease keys the streams of queued release events: times,
	// counts and fusion-pore times.
	purposeRelease = 0x52454c45415345 // "RELEASE"
)

// splitmix64 is the SplitMix64 finaliser (Steele, Lea and Flood 2014).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// StreamKey mixes the parts of a stream's identity into one 64-bit seed.
func StreamKey(parts ...uint64) uint64 {
	h := uint64(0x5265757074616b65) // "Reuptake"
	for _, p := range parts {
		h = splitmix64(h ^ splitmix64(p))
	}
	return h
}

// NewStream returns the stream for a key (see StreamKey).
func NewStream(key uint64) *Stream {
	s := &Stream{}
	s.src.Seed(key)
	return s
}

// Uint64 returns 64 random bits.
func (s *Stream) Uint64() uint64 { return s.src.Uint64() }

// Float64 returns a uniform value in [0, 1).
func (s *Stream) Float64() float64 { return float64(s.src.Uint64()>>11) * (1.0 / (1 << 53)) }

// OpenFloat64 returns a uniform value in (0, 1).
func (s *Stream) OpenFloat64() float64 {
	return (float64(s.src.Uint64()>>12) + 0.5) * (1.0 / (1 << 52))
}

// Exp returns an exponential variate with mean 1.
func (s *Stream) Exp() float64 { return -math.Log(s.OpenFloat64()) }

// Intn returns a uniform integer in [0, n), n > 0, without modulo bias.
func (s *Stream) Intn(n int) int {
	bound := uint64(n)
	threshold := -bound % bound
	for {
		r := s.src.Uint64()
		hi, lo := mul64(r, bound)
		if lo >= threshold {
			return int(hi)
		}
	}
}

func mul64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t&mask32 + a0*b1
	hi = a1*b1 + t>>32 + w1>>32
	lo = a * b
	return
}

// Poisson returns a Poisson variate with mean mu: inversion by sequential
// search for mu < 30, Hörmann's PTRS transformed rejection above.
func (s *Stream) Poisson(mu float64) int {
	if mu <= 0 {
		return 0
	}
	if mu < 30 {
		// Inversion by sequential search.
		l := math.Exp(-mu)
		k := 0
		p := l
		cum := p
		u := s.Float64()
		for u > cum && k < 1000 {
			k++
			p *= mu / float64(k)
			cum += p
		}
		return k
	}
	// Hörmann's PTRS transformed rejection (1993), exact for mu ≥ 10.
	smu := math.Sqrt(mu)
	b := 0.931 + 2.53*smu
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	lmu := math.Log(mu)
	for {
		u := s.Float64() - 0.5
		v := s.OpenFloat64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mu + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v*invAlpha/(a/(us*us)+b)) <= -mu+k*lmu-lg {
			return int(k)
		}
	}
}

// Ziggurat tables for the standard normal (Marsaglia and Tsang 2000) with
// 128 layers. Computed once from the defining equations, never mutated.
const (
	zigLayers = 128
	zigR      = 3.442619855899
	zigV      = 9.91256303526217e-3
)

type zigTables struct {
	k [zigLayers]uint64  // acceptance threshold for the fast path, scaled to 2^56
	w [zigLayers]float64 // layer width x_i scaled by 2^-56
	f [zigLayers + 1]float64
	x [zigLayers + 1]float64
}

var zig = newZigTables()

func newZigTables() *zigTables {
	z := &zigTables{}
	fn := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	z.x[0] = zigV / fn(zigR)
	z.x[1] = zigR
	for i := 2; i < zigLayers; i++ {
		z.x[i] = math.Sqrt(-2 * math.Log(zigV/z.x[i-1]+fn(z.x[i-1])))
	}
	z.x[zigLayers] = 0
	const scale = 1 << 56
	for i := 0; i < zigLayers; i++ {
		z.k[i] = uint64(z.x[i+1] / z.x[i] * scale)
		z.w[i] = z.x[i] / scale
	}
	for i := 0; i <= zigLayers; i++ {
		z.f[i] = fn(z.x[i])
	}
	return z
}

// Norm returns a standard normal variate (exact ziggurat: the fast path
// accepts about 98.8% of draws with one 64-bit random number). The fast
// path is small enough to inline and sets the sign without a branch.
func (s *Stream) Norm() float64 {
	r := s.src.Uint64()
	i := r & (zigLayers - 1)
	if u := r >> 8; u < zig.k[i] {
		return math.Float64frombits(math.Float64bits(float64(u)*zig.w[i]) | (r&0x80)<<56)
	}
	return s.normRetry(r)
}

// normRetry finishes a draw that missed the fast path: the wedge or tail
// test for r, then fresh draws until one is accepted.
func (s *Stream) normRetry(r uint64) float64 {
	for {
		i := r & (zigLayers - 1)
		u := r >> 8 // 56 bits
		neg := r&0x80 != 0
		var x float64
		ok := true
		if u < zig.k[i] {
			x = float64(u) * zig.w[i]
		} else {
			x, ok = s.normSlow(i, u)
		}
		if ok {
			if neg {
				return -x
			}
			return x
		}
		r = s.src.Uint64()
	}
}

func (s *Stream) normSlow(i, u uint64) (float64, bool) {
	x := float64(u) * zig.w[i]
	if i == 0 {
		// Tail beyond r (Marsaglia 1964).
		for {
			a := -math.Log(s.OpenFloat64()) / zigR
			b := -math.Log(s.OpenFloat64())
			if 2*b > a*a {
				return zigR + a, true
			}
		}
	}
	// Wedge between layers i and i+1.
	y := zig.f[i] + s.Float64()*(zig.f[i+1]-zig.f[i])
	return x, y < math.Exp(-0.5*x*x)
}
