package analysis

import (
	"strings"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// RoleOf returns what a column measures: its Role when the file records
// one, else (files written before roles existed) the role its name and
// unit imply: frac_* a fraction, pA a current, fC a charge, the fate
// counters (released, transported, degraded, escaped, emitted*) fates,
// free_* counts, open_* and bound_* occupancies, conc_* and peak_conc_*
// concentrations, probe_* probes, ms times, anything else RoleOther.
// An unknown recorded role is RoleOther.
func RoleOf(c results.Column) results.Role {
	switch c.Role {
	case results.RoleCount, results.RoleOccupancy, results.RoleFate, results.RoleFraction, results.RoleConcentration,
		results.RoleProbe, results.RoleCurrent, results.RoleCharge, results.RoleTime, results.RoleOther:
		return c.Role
	case "":
	default:
		return results.RoleOther
	}
	n := c.Name
	switch {
	case strings.HasPrefix(n, "frac_"):
		return results.RoleFraction
	case c.Unit == "pA":
		return results.RoleCurrent
	case c.Unit == "fC":
		return results.RoleCharge
	case n == "released" || n == "transported" || n == "degraded" || n == "escaped" || strings.HasPrefix(n, "emitted"):
		return results.RoleFate
	case strings.HasPrefix(n, "free_"):
		return results.RoleCount
	case strings.HasPrefix(n, "open_") || strings.HasPrefix(n, "bound_"):
		return results.RoleOccupancy
	case strings.HasPrefix(n, "probe_"):
		return results.RoleProbe
	case strings.HasPrefix(n, "conc_") || strings.HasPrefix(n, "peak_conc_") || IsConcentration(c.Unit):
		return results.RoleConcentration
	case c.Unit == "ms":
		return results.RoleTime
	}
	return results.RoleOther
}

// LabelOf returns a short human-readable name of a column, without its
// unit: its Label when the file records one, else its description up to
// the first colon or semicolon when that is short (48 characters), else
// the name with underscores as spaces and a trailing unit suffix ("_uM",
// "_ms") dropped.
func LabelOf(c results.Column) string {
	if c.Label != "" {
		return c.Label
	}
	d := c.Description
	if i := strings.IndexAny(d, ":;"); i >= 0 {
		d = d[:i]
	}
	if d = strings.TrimSpace(d); d != "" && len([]rune(d)) <= 48 {
		return d
	}
	return nameLabel(c.Name, c.Unit)
}

// nameLabel turns a column name into words: "peak_conc_cleft_uM" becomes
// "peak conc cleft".
func nameLabel(name, unit string) string {
	for _, u := range []string{unit, "uM", "ms", "fC", "pA", "um"} {
		if u != "" {
			if s, ok := strings.CutSuffix(name, "_"+u); ok && s != "" {
				name = s
				break
			}
		}
	}
	return strings.ReplaceAll(name, "_", " ")
}

// PrettyUnit writes a unit of the files (ASCII: "uM", "um^2/ms") as people
// read it ("µM", "µm²/ms"). Dimensionless units ("", "1") and "count"
// give "": a count is a number, not a unit.
func PrettyUnit(u string) string {
	switch u {
	case "", "1", "count":
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		switch {
		case u[i] == 'u' && (i == 0 || !isLetter(u[i-1])) && i+1 < len(u) && strings.IndexByte("mMsL", u[i+1]) >= 0:
			b.WriteString("µ")
		case u[i] == '^':
			j := i + 1
			for j < len(u) && (u[j] == '-' || u[j] >= '0' && u[j] <= '9') {
				j++
			}
			if j == i+1 {
				b.WriteByte('^')
				continue
			}
			for _, r := range u[i+1 : j] {
				b.WriteRune(superscript(r))
			}
			i = j - 1
		default:
			b.WriteByte(u[i])
		}
	}
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func superscript(r rune) rune {
	if r == '-' {
		return '⁻'
	}
	return []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")[r-'0']
}

// AxisLabel is "label (unit)" with the unit as people read it, or the
// label alone for numbers and fractions.
func AxisLabel(label, unit string) string {
	if u := PrettyUnit(unit); u != "" {
		return label + " (" + u + ")"
	}
	return label
}
