package montecarlo

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// fastBindSpec is a box with membrane sites binding at kon /M/s, stepped
// with dt ms (0: auto).
func fastBindSpec(kon, dt, voxel float64) Spec {
	return Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.24, 0.24, 0.12}, Voxel: voxel}},
		Species:  []SpeciesSpec{{Name: "x", D: 0.3}},
		SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
			{From: "R", To: "RL", Kind: agents.Bind, Species: "x", Rate: KOnFromMolar(kon)},
			{From: "RL", To: "R", Kind: agents.Unbind, Species: "x", Rate: 1}}}}},
		Placements: []PlacementSpec{{Site: "r", Region: "zmin", Count: 10}},
		Run:        RunSpec{Dt: dt, Duration: 0.12, SampleInterval: 0.12},
	}
}

// TestHitKappaMessage: a binding beyond the range of the hit probability
// is refused with its true κ' (issue 13 B.7: the message printed a negative
// probability and advised a smaller voxel, which makes κ' larger), and
// each change the message gives, made alone, is accepted.
func TestHitKappaMessage(t *testing.T) {
	const kon, dt, voxel = 7e9, 1e-4, 0.01
	_, err := NewModel(fastBindSpec(kon, dt, voxel))
	if err == nil {
		t.Fatal("a binding with κ' > 0.9 was accepted")
	}
	msg := err.Error()
	_, kp := hitProbability(KOnFromMolar(kon), voxel*voxel, 0.3, dt)
	num := func(re string) float64 {
		t.Helper()
		m := regexp.MustCompile(re).FindStringSubmatch(msg)
		if m == nil {
			t.Fatalf("message lacks %s:\n%s", re, msg)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := num(`κ' = [^=]*= ([0-9.e+-]+)`); got < kp*0.999 || got > kp*1.001 {
		t.Errorf("message gives κ' = %g, true κ' = %g", got, kp)
	}
	if strings.Contains(msg, "smaller voxel") || regexp.MustCompile(`probability -`).MatchString(msg) {
		t.Errorf("backwards or negative advice:\n%s", msg)
	}
	dtOK := num(`dt ≤ ([0-9.e+-]+) ms`)
	hOK := num(`voxel of at least ([0-9.e+-]+) nm`) / 1e3
	konOK := num(`total k_on of at most ([0-9.e+-]+) /M/s`)
	for _, c := range []struct {
		name           string
		kon, dt, voxel float64
	}{
		{"dt", kon, dtOK, voxel},
		{"voxel", kon, dt, hOK},
		{"kon", konOK, dt, voxel},
	} {
		_, kp := hitProbability(KOnFromMolar(c.kon), c.voxel*c.voxel, 0.3, c.dt)
		if kp >= maxHitKappa {
			t.Errorf("the suggested %s gives κ' = %g, still ≥ %g", c.name, kp, maxHitKappa)
		}
	}
	// The dt and k_on suggestions, as printed, make a model that compiles.
	sdt := fastBindSpec(kon, dtOK, voxel)
	sdt.Run.Duration, sdt.Run.SampleInterval = 100*dtOK, 100*dtOK
	for _, s := range []Spec{sdt, fastBindSpec(konOK, dt, voxel)} {
		if _, err := NewModel(s); err != nil {
			t.Errorf("suggested change refused: %v", err)
		}
	}
	t.Log(msg)
}
