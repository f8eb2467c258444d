package analysis

import (
	"math"
	"testing"
)

// Reference values below were computed at 30 digits (mpmath) from the
// definitions; the two-sided p-value is P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2)
// (regularised incomplete beta), the same as scipy.stats.ttest_rel /
// ttest_ind(equal_var=False).
func TestComparisons(t *testing.T) {
	tests := []struct {
		name string
		got  Comparison
		want Comparison
	}{
		{
			// d = a − b = 1.1 1.1 0.4 1.6 0.5 1.0 1.8 1.4; mean 1.1125,
			// SD(d) = 0.49117... , SE = SD/√8 = 0.17365554987, t = 6.4063601817,
			// ν = 7, p = 0.00036506697565, CI = 1.1125 ∓ t(0.975, 7)·SE with
			// t(0.975, 7) = 2.3646242516, d_z = 1.1125/SD = 2.2649903636, its
			// approximate SE √(1/8 + d_z²/16) → CI d_z ∓ 1.96·SE.
			name: "paired",
			got: PairedDiff(
				[]float64{4.2, 5.1, 3.9, 6.0, 5.5, 4.8, 5.9, 6.3},
				[]float64{3.1, 4.0, 3.5, 4.4, 5.0, 3.8, 4.1, 4.9}),
			want: Comparison{
				Method: "paired t", N1: 8, N2: 8, MeanA: 5.2125, MeanB: 4.1,
				Diff: 1.1125, SE: 0.17365554986812256, T: 6.4063601816633814, DF: 7,
				P: 0.00036506697565318978, Lo: 0.70186987535815709, Hi: 1.5231301246418429,
				EffectName: "d_z", Effect: 2.2649903635888297,
				EffectLo: 0.95659683455314887, EffectHi: 3.5733838926245106,
			},
		},
		{
			// n = 10 and 7; means 13.44 and 11.842857; Welch SE
			// √(s²a/10 + s²b/7) = 0.83537382836, ν = 8.7512537542 (Welch–
			// Satterthwaite), t = 1.9118899862, p = 0.089119547566; Hedges'
			// g = J·diff/s_pooled with J(15) = Γ(7.5)/(√7.5·Γ(7)) =
			// 0.94900758714 → g = 0.98467606899; SE(g) = √(17/70 + g²/34).
			name: "welch",
			got: Welch(
				[]float64{12.1, 14.3, 11.8, 13.5, 15.2, 12.9, 14.0, 13.3, 12.5, 14.8},
				[]float64{10.2, 13.9, 9.8, 15.1, 11.0, 12.2, 10.7}),
			want: Comparison{
				Method: "Welch t", N1: 10, N2: 7, MeanA: 13.44, MeanB: 11.842857142857143,
				Diff: 1.5971428571428571, SE: 0.83537382835864326, T: 1.9118899861645782,
				DF: 8.7512537542407180, P: 0.089119547566049308,
				Lo: -0.30082378090127506, Hi: 3.4951094951869893,
				EffectName: "g", Effect: 0.98467606898981236,
				EffectLo: -0.036339899161179962, EffectHi: 2.0056920371408047,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, w := tc.got, tc.want
			if g.Method != w.Method || g.N1 != w.N1 || g.N2 != w.N2 || g.EffectName != w.EffectName {
				t.Errorf("labels %q %d %d %q, want %q %d %d %q", g.Method, g.N1, g.N2, g.EffectName, w.Method, w.N1, w.N2, w.EffectName)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"MeanA", g.MeanA, w.MeanA}, {"MeanB", g.MeanB, w.MeanB},
				{"Diff", g.Diff, w.Diff}, {"SE", g.SE, w.SE}, {"T", g.T, w.T}, {"DF", g.DF, w.DF},
				{"P", g.P, w.P}, {"Lo", g.Lo, w.Lo}, {"Hi", g.Hi, w.Hi},
				{"Effect", g.Effect, w.Effect}, {"EffectLo", g.EffectLo, w.EffectLo}, {"EffectHi", g.EffectHi, w.EffectHi},
			} {
				if !near(c.got, c.want, 1e-9*math.Max(1, math.Abs(c.want))) {
					t.Errorf("%s = %.15g, want %.15g", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestComparisonEdges(t *testing.T) {
	if c := PairedDiff([]float64{1, 2, 3}, []float64{1, 2, 3}); c.P != 1 || c.T != 0 || c.Lo != 0 || c.Hi != 0 || !math.IsNaN(c.Effect) {
		t.Errorf("identical pairs: %+v", c)
	}
	if c := PairedDiff([]float64{2, 3, 4}, []float64{1, 2, 3}); c.P != 0 || !math.IsInf(c.T, 1) || !c.Significant(0.05) {
		t.Errorf("constant shift: %+v", c)
	}
	nan := math.NaN()
	if c := PairedDiff([]float64{1, nan, 3, 5}, []float64{0, 1, nan, 3}); c.N1 != 2 || c.Diff != 1.5 {
		t.Errorf("NaN pairs not dropped: %+v", c)
	}
	if c := Welch([]float64{1}, []float64{1, 2}); !math.IsNaN(c.P) || c.Diff != -0.5 {
		t.Errorf("too few values: %+v", c)
	}
	c := Welch([]float64{12.1, 14.3, 11.8, 13.5}, []float64{10.2, 13.9, 9.8, 15.1})
	if c.Significant(0.05) != (c.P < 0.05) {
		t.Errorf("Significant disagrees with P = %g", c.P)
	}
	lo, hi := c.CI(0.95)
	if lo != c.Lo || hi != c.Hi {
		t.Errorf("CI(0.95) = [%g, %g], want [%g, %g]", lo, hi, c.Lo, c.Hi)
	}
	if lo99, hi99 := c.CI(0.99); !(lo99 < lo && hi < hi99) {
		t.Errorf("99%% CI [%g, %g] not wider than 95%% [%g, %g]", lo99, hi99, lo, hi)
	}
	defer func() {
		if recover() == nil {
			t.Error("PairedDiff with unequal lengths did not panic")
		}
	}()
	PairedDiff([]float64{1}, []float64{1, 2})
}
