package modelfile

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/reuptake/reuptake/montecarlo"
)

// Dim is the physical dimension a model-file field expects. Quantity
// converts a value with units into the engine's internal unit for it.
type Dim uint8

// Dimensions of model-file fields and the internal unit each converts to.
const (
	Dimensionless Dim = iota // a plain number (fractions accept "%")
	Length                   // → µm
	Time                     // → ms
	Diffusion                // → µm²/ms
	Rate1                    // first-order rate → 1/ms
	RateBi                   // bimolecular rate, M⁻¹s⁻¹ → µm³/ms (montecarlo.KOnFromMolar)
	Concentration            // → molecules/µm³ (montecarlo.ConcFromMolar)
	Count                    // a number of molecules or sites; the unit ("molecules") is optional
	Frequency                // → Hz
	Conductance              // → pS
	Voltage                  // → mV
	Density                  // per area → per µm²
)

// dims is a dimension vector: exponents of length, time, amount (molecule
// count), conductance and voltage.
type dims [5]int8

const (
	dL = iota
	dT
	dN
	dG
	dV
)

// dimInfo describes a Dim: its dimension vector, the reference unit the
// value is first expressed in (its scale in base units: µm, ms, molecules,
// pS, mV), and the conversion from the reference unit to internal units.
type dimInfo struct {
	name     string // "a length"
	examples string // "20 nm, 0.5 um"
	d        dims
	ref      *big.Rat
	post     func(float64) float64
}

// avogadro is N_A as an exact rational (6.02214076e23 is exact by SI definition).
var avogadro = ratE(602214076, 15)

// ratE returns m·10^e as an exact rational.
func ratE(m int64, e int) *big.Rat {
	r := new(big.Rat).SetInt64(m)
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil))
	if e >= 0 {
		return r.Mul(r, p)
	}
	return r.Quo(r, p)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func one() *big.Rat { return big.NewRat(1, 1) }

// molar is 1 M in molecules/µm³: N_A per litre, 1 L = 1e15 µm³.
var molar = new(big.Rat).Quo(avogadro, ratE(1, 15))

var dimInfos = map[Dim]*dimInfo{
	Dimensionless: {name: "a plain number", examples: "0.5, 50 %", ref: one()},
	Length:        {name: "a length", examples: "20 nm, 0.5 um", d: dims{dL: 1}, ref: one()},
	Time:          {name: "a time", examples: "0.1 us, 5 ms", d: dims{dT: 1}, ref: one()},
	Diffusion:     {name: "a diffusion coefficient", examples: "0.33 um^2/ms, 3.3e-6 cm^2/s", d: dims{dL: 2, dT: -1}, ref: one()},
	Rate1:         {name: "a first-order rate", examples: "4.26 /ms, 14 /s", d: dims{dT: -1}, ref: one()},
	// M⁻¹ s⁻¹ in base units: (1/molar) · (1/1000 ms).
	RateBi: {name: "a bimolecular rate", examples: "4.59e6 /M/s, 4.59e6 M^-1 s^-1", d: dims{dN: -1, dL: 3, dT: -1},
		ref: new(big.Rat).Quo(one(), new(big.Rat).Mul(molar, ratE(1, 3))), post: montecarlo.KOnFromMolar},
	Concentration: {name: "a concentration", examples: "1 uM, 10 nM", d: dims{dN: 1, dL: -3}, ref: molar, post: montecarlo.ConcFromMolar},
	Count:         {name: "a count", examples: "3000, 3000 molecules", d: dims{dN: 1}, ref: one()},
	Frequency:     {name: "a frequency", examples: "10 Hz", d: dims{dT: -1}, ref: ratE(1, -3)},
	Conductance:   {name: "a conductance", examples: "10 pS", d: dims{dG: 1}, ref: one()},
	Voltage:       {name: "a voltage", examples: "-70 mV", d: dims{dV: 1}, ref: one()},
	Density:       {name: "a surface density", examples: "5000 /um^2", d: dims{dN: 1, dL: -2}, ref: one()},
}

// String names the dimension, e.g. "a length (e.g. 20 nm, 0.5 um)".
func (d Dim) String() string {
	if in, ok := dimInfos[d]; ok {
		return in.name + " (e.g. " + in.examples + ")"
	}
	return fmt.Sprintf("dim(%d)", uint8(d))
}

type unit struct {
	scale *big.Rat
	d     dims
}

// units are the unit symbols, with their scale in base units (µm, ms,
// molecules, pS, mV) and dimension.
var units = func() map[string]unit {
	u := map[string]unit{}
	add := func(s *big.Rat, d dims, names ...string) {
		for _, n := range names {
			u[n] = unit{s, d}
		}
	}
	L, T, N, G, V := dims{dL: 1}, dims{dT: 1}, dims{dN: 1}, dims{dG: 1}, dims{dV: 1}
	add(ratE(1, 6), L, "m")
	add(ratE(1, 4), L, "cm")
	add(ratE(1, 3), L, "mm")
	add(one(), L, "um", "micron", "microns")
	add(ratE(1, -3), L, "nm")
	add(ratE(1, -6), L, "pm")
	add(ratE(1, 3), T, "s", "sec")
	add(one(), T, "ms", "msec")
	add(ratE(1, -3), T, "us", "usec")
	add(ratE(1, -6), T, "ns")
	add(ratE(6, 4), T, "min")
	vol := dims{dL: 3}
	add(ratE(1, 15), vol, "L", "l")
	add(ratE(1, 12), vol, "mL", "ml")
	add(ratE(1, 9), vol, "uL", "ul")
	add(one(), vol, "fL", "fl")
	add(new(big.Rat).Set(avogadro), N, "mol")
	add(new(big.Rat).Quo(avogadro, ratE(1, 3)), N, "mmol")
	add(new(big.Rat).Quo(avogadro, ratE(1, 6)), N, "umol")
	add(new(big.Rat).Quo(avogadro, ratE(1, 9)), N, "nmol")
	add(one(), N, "molecule", "molecules", "site", "sites", "receptor", "receptors", "transporter", "transporters")
	conc := dims{dN: 1, dL: -3}
	for p, e := range map[string]int{"": 0, "m": -3, "u": -6, "n": -9, "p": -12, "f": -15} {
		add(new(big.Rat).Mul(molar, ratE(1, e)), conc, p+"M")
	}
	add(ratE(1, -3), dims{dT: -1}, "Hz")
	add(one(), dims{dT: -1}, "kHz")
	for p, e := range map[string]int{"": 12, "m": 9, "u": 6, "n": 3, "p": 0, "f": -3} {
		add(ratE(1, e), G, p+"S")
	}
	add(ratE(1, 3), V, "V")
	add(one(), V, "mV")
	add(ratE(1, -3), V, "uV")
	add(ratE(1, -2), dims{}, "%")
	return u
}()

var numberRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?`)

// superscripts maps superscript digits to their value plus one.
var superscripts = map[rune]int{'⁰': 1, '¹': 2, '²': 3, '³': 4, '⁴': 5, '⁵': 6, '⁶': 7, '⁷': 8, '⁸': 9, '⁹': 10}

// normalize maps the Unicode forms people type or paste (µ, μ, ², ⁻¹, ·,
// the minus sign) to the ASCII unit grammar.
func normalize(s string) string {
	var b strings.Builder
	inSup := false
	for _, r := range s {
		sup := superscripts[r]
		switch {
		case r == '⁻':
			if !inSup {
				b.WriteByte('^')
			}
			b.WriteByte('-')
			inSup = true
			continue
		case sup > 0:
			if !inSup {
				b.WriteByte('^')
			}
			b.WriteByte(byte('0' + sup - 1))
			inSup = true
			continue
		}
		inSup = false
		switch r {
		case 'µ', 'μ':
			b.WriteByte('u')
		case '·', '⋅', '*', '×':
			b.WriteByte(' ')
		case '−', '–':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "  ", " ")
}

// parseUnit parses a unit expression: factors separated by spaces
// (multiplication) or "/" (division of the next factor only), each a unit
// symbol with an optional exponent ("um^2", "um2", "s^-1"), or "1".
func parseUnit(s string) (*big.Rat, dims, error) {
	scale, d := one(), dims{}
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		sign := 1
		if c == '/' {
			sign = -1
			i++
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
		}
		j := i
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '%') {
			j++
		}
		sym := s[i:j]
		if sym == "" {
			if j < len(s) && s[j] == '1' && (j+1 == len(s) || s[j+1] == '/' || s[j+1] == ' ') {
				i = j + 1 // "1/s"
				continue
			}
			if j >= len(s) {
				return nil, d, fmt.Errorf("a unit is missing after %q", "/")
			}
			r, _ := utf8.DecodeRuneInString(s[j:])
			return nil, d, fmt.Errorf("unexpected %q in the unit", r)
		}
		exp := 1
		k := j
		if k < len(s) && s[k] == '^' {
			k++
		}
		m := k
		if m < len(s) && (s[m] == '-' || s[m] == '+') {
			m++
		}
		for m < len(s) && s[m] >= '0' && s[m] <= '9' {
			m++
		}
		if digits := s[k:m]; digits != "" {
			e, err := strconv.Atoi(digits)
			if err != nil || e == 0 || e > 9 || e < -9 {
				return nil, d, fmt.Errorf("bad exponent %q on %s", digits, sym)
			}
			exp = e
		} else if k != j {
			return nil, d, fmt.Errorf("missing exponent after %s^", sym)
		}
		u, ok := units[sym]
		if !ok {
			return nil, d, fmt.Errorf("unknown unit %q%s", sym, suggestUnit(sym))
		}
		exp *= sign
		for a := range d {
			d[a] += int8(exp) * u.d[a]
		}
		p := new(big.Rat).Set(u.scale)
		n := exp
		if n < 0 {
			p.Inv(p)
			n = -n
		}
		for ; n > 0; n-- {
			scale.Mul(scale, p)
		}
		i = m
	}
	return scale, d, nil
}

func suggestUnit(sym string) string {
	if len(sym) > 32 {
		return ""
	}
	best, bestD, bestP := "", 3, -1
	for n := range units {
		d := distance(sym, n) // case matters: mM is not mm
		p := 0
		for p < len(n) && p < len(sym) && n[p] == sym[p] {
			p++
		}
		if d < bestD || d == bestD && (p > bestP || p == bestP && n < best) {
			best, bestD, bestP = n, d, p
		}
	}
	if best == "" || bestD > 1 && len(sym) < 4 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// describe names the dimension of d for error messages.
func describe(d dims) string {
	switch d {
	case dims{}:
		return "a plain number"
	case dims{dT: -1}:
		return "a rate or frequency"
	case dims{dL: 3}:
		return "a volume"
	}
	for _, k := range []Dim{Length, Time, Diffusion, RateBi, Concentration, Count, Conductance, Voltage, Density} {
		in := dimInfos[k]
		if in.d == d {
			return in.name
		}
		dd := in.d
		dd[dN] = 0
		if dd == d && in.d[dN] != 0 {
			return in.name
		}
	}
	var parts []string
	for a, sym := range []string{"um", "ms", "molecules", "pS", "mV"} {
		switch e := d[a]; {
		case e == 1:
			parts = append(parts, sym)
		case e != 0:
			parts = append(parts, fmt.Sprintf("%s^%d", sym, e))
		}
	}
	return "a quantity in " + strings.Join(parts, " ")
}

// compatible reports whether a unit of dimension got fits a field of
// dimension want. The amount dimension (molecules, mol) may be left out:
// "5000 /um^2" and "5000 sites/um^2" are both densities.
func compatible(got, want dims) bool {
	if got[dN] == 0 {
		got[dN] = want[dN]
	}
	return got == want
}

// outOfRange is the error of a number too large (or too small) for a
// float64, before or after conversion to the internal unit.
func outOfRange(s, expect string) error {
	return fmt.Errorf("%q is out of range: numbers must be finite, of magnitude below about 1.8e308 (float64) in the internal unit, with an exponent between -400 and 400; %s", s, expect)
}

// Quantity parses a number with a unit, such as "20 nm", "0.33 um^2/ms",
// "4.59e6 /M/s" or "1 uM", checks that its dimension is dim and returns it
// in the internal unit of dim (see Dim). Unicode forms are accepted ("µm²/ms",
// "M⁻¹ s⁻¹"). A missing unit (for a dimensional field), a unit of another
// dimension, NaN and infinities are errors naming the expected dimension.
// Quantity does not check the sign; callers do.
func Quantity(s string, dim Dim) (float64, error) {
	in, ok := dimInfos[dim]
	if !ok {
		return 0, fmt.Errorf("unknown dimension %d", dim)
	}
	expect := "expected " + dim.String()
	t := strings.TrimSpace(normalize(s))
	if t == "" {
		return 0, fmt.Errorf("empty value: %s", expect)
	}
	num := numberRE.FindString(t)
	if num == "" {
		l := strings.ToLower(strings.TrimLeft(t, "+-"))
		if strings.HasPrefix(l, "nan") || strings.HasPrefix(l, ".nan") || strings.HasPrefix(l, "inf") || strings.HasPrefix(l, ".inf") {
			return 0, fmt.Errorf("%q: NaN and infinity are not allowed; %s", s, expect)
		}
		return 0, fmt.Errorf("%q is not a number: %s", s, expect)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, outOfRange(s, expect)
	}
	rest := strings.TrimSpace(t[len(num):])
	scale, got := one(), dims{}
	if rest != "" {
		var err error
		scale, got, err = parseUnit(rest)
		if err != nil {
			return 0, fmt.Errorf("%q: %v; %s", s, err, expect)
		}
	} else if in.d[dL] != 0 || in.d[dT] != 0 || in.d[dG] != 0 || in.d[dV] != 0 {
		return 0, fmt.Errorf("%q has no unit: %s", s, expect)
	}
	if !compatible(got, in.d) {
		return 0, fmt.Errorf("%q is %s: %s", s, describe(got), expect)
	}
	if ratio := new(big.Rat).Quo(scale, in.ref); ratio.Cmp(one()) != 0 {
		// Scale exactly and round once, so that "10 uM" is the same
		// float as 10e-6 M.
		if m := numberRE.FindStringSubmatch(num); m[1] != "" {
			if e, err := strconv.Atoi(m[1]); err != nil || e > 400 || e < -400 {
				return 0, outOfRange(s, expect)
			}
		}
		x, ok := new(big.Rat).SetString(num)
		if !ok {
			return 0, fmt.Errorf("%q is not a number: %s", s, expect)
		}
		v, _ = x.Mul(x, ratio).Float64()
	}
	if in.post != nil {
		v = in.post(v)
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, outOfRange(s, expect)
	}
	return v, nil
}
