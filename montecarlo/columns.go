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
			c.Role, c.Label = RoleTime, "time of the peak of "+strings.TrimPrefix(c.Description, "time of the peak of ")
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
			c.Role, c.Label, c.Region = RoleConcentration, "peak "+sp0+" in the cleft", "cleft"
		case n == "decay_tau_ms" || n == "half_clearance_ms":
			c.Role, c.Label = RoleTime, strings.ReplaceAll(strings.TrimSuffix(n, "_ms"), "_", " ")
		case strings.HasPrefix(n, "frac_"):
			what := strings.TrimPrefix(n, "frac_")
			if len(m.species) > 1 {
				for _, sp := range m.species {
					if strings.HasSuffix(what, "_"+sp) {
						what, c.Species = strings.TrimSuffix(what, "_"+sp), sp
					}
				}
			}
			c.Role, c.Label = RoleFraction, "fraction "+strings.ReplaceAll(what, "_", " ")
		case n == "peak_current_pA":
			c.Role, c.Label, c.Species = RoleCurrent, "peak current", ""
		case strings.HasSuffix(n, "charge_fC"):
			c.Role, c.Label, c.Species = RoleCharge, strings.ReplaceAll(strings.TrimSuffix(n, "_fC"), "_", " "), ""
		default:
			c.Role, c.Label = RoleOther, strings.ReplaceAll(n, "_", " ")
		}
	}
}
