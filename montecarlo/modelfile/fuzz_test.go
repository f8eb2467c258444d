package modelfile

import (
	"math"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

// FuzzParse feeds arbitrary text and one override to the parser, which
// must return a Spec or errors, never panic; a spec with a small grid is
// then compiled (montecarlo.NewModel through Compile), which must return a
// model or errors, never panic. Run with
// go test -fuzz=FuzzParse ./montecarlo/modelfile.
func FuzzParse(f *testing.F) {
	for _, n := range Presets() {
		data, err := Preset(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "run.duration=1 ms")
		f.Add(data, "sites.ampa.scheme.transitions[0].rate=1e7 /M/s")
	}
	f.Add([]byte(smallModel()), "species.glu.D_region.cleft=0.2 um^2/ms")
	// Small models that compile, and small ones that fail only in NewModel.
	f.Add([]byte(smallModel()), "")
	f.Add([]byte(smallModel()), "run.dt=0.1 ms")
	f.Add([]byte(smallModel()), "sites.glt1.scheme.transitions[0].rate=1e13 /M/s")
	f.Add([]byte(smallModel()), "run.sample_interval=10 ms")
	f.Add([]byte(libModel), "sites.dat.rates.k4=0.01 /ms")
	f.Add([]byte(libModel), "sites.dat.model=dat-mm")
	f.Add([]byte(smallModel()+"output: {events: [bind, escape], snapshots: {every: 0.5 ms, cap: 10}}\n"), "output.events=all")
	f.Add([]byte(smallModel()+"output: {events: bnd, snapshots: 3 us}\n"), "output.snapshots.every=0.1 ms")
	f.Add([]byte("a: &a [*a]\n"), "")
	f.Add([]byte("run: {duration: 1e400 ms}\n"), "x=")
	f.Fuzz(func(t *testing.T, data []byte, override string) {
		var ovs []string
		if override != "" {
			ovs = []string{override}
		}
		spec, src, err := Decode("fuzz.yaml", data, ovs)
		if err != nil {
			if len(err.Error()) == 0 {
				t.Fatal("empty error message")
			}
			return
		}
		if src == nil {
			t.Fatal("nil source")
		}
		if !fuzzSmall(spec) {
			return
		}
		// Compile: the model's semantic checks must return errors located
		// in the file, never panic.
		m, err := Compile(spec, src)
		if err != nil {
			if len(err.Error()) == 0 {
				t.Fatal("empty error message")
			}
			return
		}
		if m.Dt <= 0 || math.IsNaN(m.Dt) {
			t.Fatalf("compiled model with dt %v", m.Dt)
		}
	})
}

// fuzzSmall reports whether a spec is cheap enough to compile in a fuzz
// iteration: a cleft or box grid of at most 2^17 voxels, not too many
// sites; mask geometries would read files named by the input.
func fuzzSmall(s montecarlo.Spec) bool {
	const maxVoxels = 1 << 17
	g := s.Geometry
	voxels := 0.0
	switch g.Kind {
	case "cleft":
		c := g.Cleft
		if !(c.Voxel > 0) || !(c.HalfWidth > 0) || !(c.HalfHeight > 0) || !(c.Width > 0) {
			return false
		}
		nl := c.HalfWidth/c.Voxel + 2
		voxels = 4 * nl * nl * ((2*c.HalfHeight)/c.Voxel + 2)
	case "box":
		b := g.Box
		if !(b.Voxel > 0) {
			return false
		}
		voxels = 1
		for _, x := range b.Size {
			voxels *= x/b.Voxel + 2
		}
	default:
		return false
	}
	if !(voxels <= maxVoxels) {
		return false
	}
	for _, p := range s.Placements {
		if p.Count > 1e5 {
			return false
		}
	}
	return true
}

// FuzzQuantity checks that unit parsing never panics and never returns a
// non-finite value without an error.
func FuzzQuantity(f *testing.F) {
	for _, s := range []string{"20 nm", "0.33 µm²/ms", "4.59e6 /M/s", "1 uM", "-70 mV", "5000 /um^2", "1e-400 M", "1/s"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, dim uint8) {
		d := Dim(dim % uint8(Density+1))
		v, err := Quantity(s, d)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("Quantity(%q) = %v without error", s, v)
		}
	})
}
