package transporters

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/reuptake/reuptake/agents"
)

// Chain is the Markov chain of one transporter whose substrate is clamped
// at a concentration: the scheme compiled with the substrate as the only
// diffusing species and every other species a bath at a fixed
// concentration.
type Chain struct {
	C         *agents.Compiled
	Substrate string
	n         int
}

// NewChain compiles s for substrate sp; baths gives the concentrations
// (molecules/µm³) of the scheme's other species (missing ones are 0).
func NewChain(s agents.Scheme, sp string, baths map[string]float64) (*Chain, error) {
	bath := map[string]float64{}
	for _, t := range s.Transitions {
		if t.Species != "" && t.Species != sp {
			bath[t.Species] = baths[t.Species]
		}
	}
	c, err := s.Compile([]string{sp}, bath)
	if err != nil {
		return nil, err
	}
	binds := false
	for _, b := range c.Binds {
		binds = binds || len(b) > 0
	}
	if !binds {
		return nil, fmt.Errorf("the scheme never binds %s: not a transporter of it", sp)
	}
	return &Chain{C: c, Substrate: sp, n: len(c.States)}, nil
}

// N is the number of states.
func (ch *Chain) N() int { return ch.n }

// Generator returns the rate matrix Q (1/ms) at substrate concentration S
// (molecules/µm³): Q[i][j] is the rate from state i to j, Q[i][i] minus the
// total rate out of i.
func (ch *Chain) Generator(S float64) *mat.Dense {
	q := mat.NewDense(ch.n, ch.n, nil)
	for i := 0; i < ch.n; i++ {
		for _, u := range ch.C.Out[i] {
			q.Set(i, u.To, q.At(i, u.To)+u.Rate)
			q.Set(i, i, q.At(i, i)-u.Rate)
		}
		for _, b := range ch.C.Binds[i] {
			q.Set(i, b.To, q.At(i, b.To)+b.KOn*S)
			q.Set(i, i, q.At(i, i)-b.KOn*S)
		}
	}
	return q
}

// rates returns, per state, the rate of substrate uptake (transport minus
// emission of the substrate) and of charge movement (elementary charges
// into the cell per ms).
func (ch *Chain) rates() (uptake, charge []float64) {
	uptake, charge = make([]float64, ch.n), make([]float64, ch.n)
	for i := 0; i < ch.n; i++ {
		for _, u := range ch.C.Out[i] {
			if u.Species == 0 {
				switch u.Kind {
				case agents.Transport:
					uptake[i] += u.Rate
				case agents.Emit:
					uptake[i] -= u.Rate
				}
			}
			charge[i] += u.Rate * u.Charge
		}
	}
	return uptake, charge
}

// Stationary returns the stationary distribution at substrate
// concentration S. It fails when the chain has more than one closed class
// (no unique stationary distribution).
func (ch *Chain) Stationary(S float64) ([]float64, error) {
	n := ch.n
	q := ch.Generator(S)
	a := mat.NewDense(n, n, nil)
	a.CloneFrom(q.T())
	for j := 0; j < n; j++ {
		a.Set(n-1, j, 1)
	}
	b := mat.NewVecDense(n, nil)
	b.SetVec(n-1, 1)
	var x mat.VecDense
	if err := x.SolveVec(a, b); err != nil {
		return nil, fmt.Errorf("no unique stationary distribution at %.4g µM: %v", MicroMolar(S), err)
	}
	p := make([]float64, n)
	for i := range p {
		p[i] = math.Max(x.AtVec(i), 0)
	}
	return p, nil
}

// Turnover returns the stationary net uptake per transporter (1/ms) and
// charge movement (elementary charges per ms) at concentration S.
func (ch *Chain) Turnover(S float64) (v, q float64, err error) {
	p, err := ch.Stationary(S)
	if err != nil {
		return 0, 0, err
	}
	up, cr := ch.rates()
	for i := range p {
		v += p[i] * up[i]
		q += p[i] * cr[i]
	}
	return v, q, nil
}

// Derived holds the exact quantities of a scheme (Derive).
type Derived struct {
	KmUM     float64 // substrate concentration of half-maximal uptake, µM
	KcatPerS float64 // maximal turnover per transporter, 1/s (= Vmax per transporter)
	Hill     float64 // logarithmic slope of v/(Vmax − v) at Km (1 for a hyperbola)
	// SpecificityPerMolarS is kcat/Km in M⁻¹ s⁻¹.
	SpecificityPerMolarS float64
	// ChargePerCycle is the charge moved into the cell per substrate
	// transported, at saturation (elementary charges).
	ChargePerCycle float64
	// Buffering is the probability that a substrate molecule bound by a
	// resting transporter unbinds (returns to the medium) rather than being
	// transported.
	Buffering float64
	// BoundDwellMs is the mean time a bound substrate molecule spends on
	// the transporter before it unbinds or is transported, ms.
	BoundDwellMs float64
	// Capacity is the fraction of resting transporters (stationary
	// distribution without substrate) that can bind substrate at once: the
	// binding capacity at the start of a pulse, per transporter.
	Capacity float64
	// CycleMs is the mean cycle time at saturation, 1/kcat, ms.
	CycleMs float64
	// RelaxMs is the slowest relaxation time of the chain without
	// substrate (−1/λ₂ of the generator), ms: the time scale on which a
	// transporter recovers after a pulse.
	RelaxMs float64
}

// Derive computes the exact quantities of a scheme for its substrate sp.
func Derive(s agents.Scheme, sp string) (Derived, error) {
	ch, err := NewChain(s, sp, nil)
	if err != nil {
		return Derived{}, err
	}
	return ch.Derive()
}

// Derive computes the chain's exact quantities.
func (ch *Chain) Derive() (Derived, error) {
	var d Derived
	// Uptake v(S) of a scheme that binds one substrate molecule per cycle
	// is a hyperbola v = kcat·S/(Km + S); fit it through two points, refine
	// around the estimate, then check it and take the Hill slope.
	v := func(S float64) float64 {
		x, _, err := ch.Turnover(S)
		if err != nil {
			return math.NaN()
		}
		return x
	}
	km := Conc(1)
	var kcat float64
	for it := 0; it < 3; it++ {
		s1, s2 := km, 10*km
		v1, v2 := v(s1), v(s2)
		if !(v1 > 0 && v2 > 0) {
			return d, errors.New("no net uptake at steady state")
		}
		// 1/v = (Km/kcat)(1/S) + 1/kcat
		slope := (1/v1 - 1/v2) / (1/s1 - 1/s2)
		icpt := 1/v2 - slope/s2
		if icpt <= 0 {
			return d, errors.New("uptake does not saturate")
		}
		kcat, km = 1/icpt, slope/icpt
	}
	// Not a hyperbola (several substrate molecules per cycle): kcat from a
	// large concentration, Km by bisection.
	if r := v(km) / (kcat / 2); math.Abs(r-1) > 1e-6 {
		kcat = v(1e6 * km)
		lo, hi := km*1e-3, km*1e3
		for i := 0; i < 200; i++ {
			mid := math.Sqrt(lo * hi)
			if v(mid) < kcat/2 {
				lo = mid
			} else {
				hi = mid
			}
		}
		km = math.Sqrt(lo * hi)
	}
	h := 1e-4
	logit := func(S float64) float64 { x := v(S); return math.Log(x / (kcat - x)) }
	d.Hill = (logit(km*math.Exp(h)) - logit(km*math.Exp(-h))) / (2 * h)
	d.KmUM = MicroMolar(km)
	d.KcatPerS = kcat * 1e3
	d.CycleMs = 1 / kcat
	d.SpecificityPerMolarS = d.KcatPerS / (d.KmUM * 1e-6)
	vs, qs, err := ch.Turnover(1e4 * km)
	if err != nil {
		return d, err
	}
	d.ChargePerCycle = qs / vs
	// Resting distribution, capacity and the fate of a bound molecule.
	p0, err := ch.Stationary(0)
	if err != nil {
		return d, err
	}
	startW := make([]float64, ch.n)
	tot := 0.0
	for i, pi := range p0 {
		if len(ch.C.Binds[i]) > 0 {
			d.Capacity += pi
		}
		for _, b := range ch.C.Binds[i] {
			startW[b.To] += pi * b.KOn
			tot += pi * b.KOn
		}
	}
	if tot == 0 {
		return d, errors.New("a resting transporter cannot bind substrate")
	}
	fu, dwell, err := ch.boundFate()
	if err != nil {
		return d, err
	}
	for i := range startW {
		d.Buffering += startW[i] / tot * fu[i]
		d.BoundDwellMs += startW[i] / tot * dwell[i]
	}
	d.RelaxMs = ch.relaxation()
	return d, nil
}

// boundFate returns, for each state, the probability that the substrate
// molecule(s) it holds leave by unbinding before one is transported, and
// the mean time until either (no further substrate binds meanwhile).
func (ch *Chain) boundFate() (unbind, dwell []float64, err error) {
	var bound []int
	pos := map[int]int{}
	for i := 0; i < ch.n; i++ {
		if ch.C.Held[i][0] > 0 {
			pos[i] = len(bound)
			bound = append(bound, i)
		}
	}
	m := len(bound)
	unbind, dwell = make([]float64, ch.n), make([]float64, ch.n)
	if m == 0 {
		return unbind, dwell, nil
	}
	a := mat.NewDense(m, m, nil)
	bu := mat.NewVecDense(m, nil)
	bt := mat.NewVecDense(m, nil)
	for r, i := range bound {
		for _, u := range ch.C.Out[i] {
			a.Set(r, r, a.At(r, r)+u.Rate)
			if u.Species == 0 && (u.Kind == agents.Unbind || u.Kind == agents.Transport || u.Kind == agents.Degrade) {
				if u.Kind == agents.Unbind {
					bu.SetVec(r, bu.AtVec(r)+u.Rate)
				}
				continue
			}
			if c, ok := pos[u.To]; ok {
				a.Set(r, c, a.At(r, c)-u.Rate)
			}
		}
		bt.SetVec(r, 1)
	}
	var xu, xt mat.VecDense
	if err := xu.SolveVec(a, bu); err != nil {
		return nil, nil, fmt.Errorf("fate of bound substrate: %v", err)
	}
	if err := xt.SolveVec(a, bt); err != nil {
		return nil, nil, fmt.Errorf("dwell of bound substrate: %v", err)
	}
	for r, i := range bound {
		unbind[i], dwell[i] = xu.AtVec(r), xt.AtVec(r)
	}
	return unbind, dwell, nil
}

// relaxation returns −1/λ₂ (ms) of the generator without substrate: the
// slowest decay among the non-zero eigenvalues (real parts).
func (ch *Chain) relaxation() float64 {
	var e mat.Eigen
	if !e.Factorize(ch.Generator(0), mat.EigenNone) {
		return math.NaN()
	}
	var re []float64
	for _, l := range e.Values(nil) {
		re = append(re, real(l))
	}
	sort.Float64s(re) // most negative first; the last is ≈ 0
	for i := len(re) - 1; i >= 0; i-- {
		if re[i] < -1e-9*math.Max(1, -re[0]) {
			return -1 / re[i]
		}
	}
	return math.Inf(1)
}

// Step is one piece of a piecewise-constant substrate time course.
type Step struct {
	Dur float64 // ms
	S   float64 // molecules/µm³
}

// Expectation is the exact mean behaviour of one transporter under a
// clamped time course, from the master equation dp/dt = pQ(S(t)).
type Expectation struct {
	T      []float64   // sample times, ms
	P      [][]float64 // state probabilities at T
	Charge []float64   // mean charge moved in by T (elementary charges)
	Uptake []float64   // mean substrate taken up by T
	Binds  []float64   // mean number of substrate binding events by T
}

// Expect integrates the master equation from p0 over the steps, sampling
// every dt ms (the steps' boundaries must fall on multiples of dt),
// exactly: each interval is one matrix exponential of the generator
// augmented with the charge, uptake and binding accumulators.
func (ch *Chain) Expect(p0 []float64, steps []Step, dt float64) Expectation {
	n := ch.n
	up, cr := ch.rates()
	ex := Expectation{}
	p := append([]float64(nil), p0...)
	var q, u, b, t float64
	record := func() {
		ex.T = append(ex.T, t)
		ex.P = append(ex.P, append([]float64(nil), p...))
		ex.Charge = append(ex.Charge, q)
		ex.Uptake = append(ex.Uptake, u)
		ex.Binds = append(ex.Binds, b)
	}
	record()
	cache := map[float64]*mat.Dense{}
	for _, st := range steps {
		k := int(math.Round(st.Dur / dt))
		e, ok := cache[st.S]
		if !ok {
			g := ch.Generator(st.S)
			a := mat.NewDense(n+3, n+3, nil)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					a.Set(i, j, g.At(i, j)*dt)
				}
				a.Set(i, n, cr[i]*dt)
				a.Set(i, n+1, up[i]*dt)
				kb := 0.0
				for _, bt := range ch.C.Binds[i] {
					kb += bt.KOn * st.S
				}
				a.Set(i, n+2, kb*dt)
			}
			e = mat.NewDense(n+3, n+3, nil)
			e.Exp(a)
			cache[st.S] = e
		}
		for s := 0; s < k; s++ {
			np := make([]float64, n)
			dq, du, db := 0.0, 0.0, 0.0
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					np[j] += p[i] * e.At(i, j)
				}
				dq += p[i] * e.At(i, n)
				du += p[i] * e.At(i, n+1)
				db += p[i] * e.At(i, n+2)
			}
			p, q, u, b, t = np, q+dq, u+du, b+db, t+dt
			record()
		}
	}
	return ex
}
