package modelfile

import (
	"math"
	"testing"
)

// FuzzParse feeds arbitrary text and one override to the parser, which
// must return a Spec or errors, never panic. Run with
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
		_ = spec
	})
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
