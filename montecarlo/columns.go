package montecarlo

import "strings"

// Roles of observable columns (Observable.Role); the same words as the
// results.Role constants, which the results files carry.
const (
	RoleCount         = "count"
	RoleOccupancy     = "occupancy"
	RoleFate          = "fate"
	RoleFraction      = "fraction"
	RoleConcentration = "concentration"
	RoleProbe         = "probe"
	RoleCurrent       = "current"
	RoleCharge        = "charge"
	RoleTime          = "time"
	RoleOther         = "other"
)

// sumObs is a summary column; annotateSummary fills what it is about.
func sumObs(name, unit, desc string) Observable {
	return Observable{Name: name, Unit: unit, Description: desc}
}

// annotateSummary fills the role, label, species, region and site type of
// the summary columns that summaryRules names: peaks and their times,
// clearance times, fate fractions, current and charge.
func (m *Model) annotateSummary(rules []summaryRule) {
	sp0 := m.species[0]
	for i := range rules {
		c := &rules[i].col
		n := c.Name
		c.Species = sp0
		if c.Unit == "µM" {
			c.Unit = "uM" // units in files are ASCII
		}
		switch {
		case strings.HasPrefix(n, "t_peak_"):
			c.Role = RoleTime // labelled below, after the peak it times
		case strings.HasPrefix(n, "peak_open_"):
			c.Role, c.Label, c.Species = RoleOccupancy, "peak open "+strings.TrimPrefix(n, "peak_open_"), ""
			c.SiteType, c.State = strings.TrimPrefix(n, "peak_open_"), "open"
		case strings.HasPrefix(n, "peak_free_"):
			c.Role, c.Label = RoleCount, "peak free "+sp0
			c.Region = strings.TrimPrefix(n, "peak_free_")
			if c.Region == "total" {
				c.Region = ""
			}
		case n == "peak_conc_cleft_uM":
			c.Role, c.Label, c.Region = RoleConcentration, "peak cleft concentration", "cleft"
		case n == "decay_tau_ms":
			c.Role, c.Label = RoleTime, "decay time constant (area/peak)"
		case n == "half_clearance_ms":
			c.Role, c.Label = RoleTime, "half-clearance time"
		case strings.HasPrefix(n, "frac_"):
			what := strings.TrimPrefix(n, "frac_")
			if len(m.species) > 1 {
				for _, sp := range m.species {
					if strings.HasSuffix(what, "_"+sp) {
						what, c.Species = strings.TrimSuffix(what, "_"+sp), sp
					}
				}
			}
			what = strings.ReplaceAll(what, "_", " ")
			if w, ok := strings.CutSuffix(what, " end"); ok {
				what = w + " at the end"
			}
			c.Role, c.Label = RoleFraction, "fraction "+what
		case n == "peak_current_pA":
			c.Role, c.Label, c.Species = RoleCurrent, "peak current", ""
		case strings.HasSuffix(n, "charge_fC"):
			c.Role, c.Label, c.Species = RoleCharge, strings.ReplaceAll(strings.TrimSuffix(n, "_fC"), "_", " "), ""
		default:
			c.Role, c.Label = RoleOther, strings.ReplaceAll(n, "_", " ")
		}
	}
	// A peak's time is labelled after its peak: "time of peak free glu".
	labels := map[string]string{}
	for _, r := range rules {
		labels[r.col.Name] = r.col.Label
	}
	for i := range rules {
		c := &rules[i].col
		if what, ok := strings.CutPrefix(c.Name, "t_peak_"); ok {
			c.Label = "time of " + labels["peak_"+strings.TrimSuffix(what, "_ms")]
		}
	}
}
