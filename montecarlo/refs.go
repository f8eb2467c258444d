package montecarlo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reuptake/reuptake/agents"
)

// unknownErr is a FieldError for a name that refers to nothing: the
// message names it and lists the names it could be (Known), so that a
// caller can suggest the nearest.
func unknownErr(path, name string, known []string, format string, args ...any) *FieldError {
	return &FieldError{Path: path, Msg: fmt.Sprintf(format, args...), Name: name, Known: known}
}

// checkRefs checks every name that refers to another part of the model
// (site types, scheme states, species and baths, volume and membrane
// regions of the geometry, drugs and their targets) and returns one error
// per unknown name, in the order of the Spec's fields. It runs on the Spec
// as given, before drugs are expanded, so that every mistake is reported
// at once and at the field the user wrote.
func checkRefs(s Spec) []error {
	var errs []error
	var explicit, all []string
	for _, sp := range s.Species {
		explicit = append(explicit, sp.Name)
	}
	all = append(all, explicit...)
	var baths []string
	for _, b := range s.Baths {
		baths = append(baths, b.Name)
		all = append(all, b.Name)
	}
	unknown := func(path, what, name string, known []string) {
		plural := what + "s"
		if strings.HasSuffix(what, "species") {
			plural = what
		}
		errs = append(errs, unknownErr(path, name, known, "unknown %s %q (%s: %s)", what, name, plural, listOrNone(known)))
	}
	kind := s.Geometry.Kind
	vol, mem := s.Geometry.Regions()
	both := append(append([]string(nil), mem...), vol...)
	for i, sp := range s.Species {
		for _, r := range keys(sp.DRegion) {
			if !slices.Contains(vol, r) {
				errs = append(errs, unknownErr(fmt.Sprintf("species[%d].D_region.%s", i, r), r, vol,
					"no volume region %q in a %s geometry (regions: %s)", r, kind, listOrNone(vol)))
			}
		}
	}
	siteStates := map[string][]string{}
	var siteNames []string
	for i, st := range s.SiteTypes {
		p := fmt.Sprintf("sites[%d].scheme", i)
		siteNames = append(siteNames, st.Name)
		siteStates[st.Name] = st.Scheme.States
		states := st.Scheme.States
		if st.Scheme.Initial != "" && !slices.Contains(states, st.Scheme.Initial) {
			unknown(p+".initial", "state", st.Scheme.Initial, states)
		}
		for k, c := range st.Scheme.Conducting {
			if !slices.Contains(states, c) {
				unknown(fmt.Sprintf("%s.conducting[%d]", p, k), "state", c, states)
			}
		}
		for k, t := range st.Scheme.Transitions {
			tp := fmt.Sprintf("%s.transitions[%d]", p, k)
			if !slices.Contains(states, t.From) {
				unknown(tp+".from", "state", t.From, states)
			}
			if !slices.Contains(states, t.To) {
				unknown(tp+".to", "state", t.To, states)
			}
			switch {
			case t.Kind == agents.FirstOrder:
			case t.Kind == agents.Bath && !slices.Contains(baths, t.Species):
				unknown(tp+".species", "bath species", t.Species, baths)
			case t.Kind != agents.Bath && !slices.Contains(all, t.Species):
				unknown(tp+".species", "species", t.Species, all)
			}
		}
	}
	for i, pl := range s.Placements {
		p := fmt.Sprintf("placement[%d]", i)
		states, ok := siteStates[pl.Site]
		if !ok {
			unknown(p+".site", "site type", pl.Site, siteNames)
		} else if pl.State != "" && !slices.Contains(states, pl.State) {
			unknown(p+".state", "state", pl.State, states)
		}
		switch {
		case pl.VolumeDensity > 0 && !slices.Contains(vol, pl.Region):
			errs = append(errs, unknownErr(p+".region", pl.Region, vol,
				"volume sites need a volume region; no volume region %q in a %s geometry (volume regions: %s)", pl.Region, kind, listOrNone(vol)))
		case pl.VolumeDensity == 0 && !slices.Contains(both, pl.Region):
			errs = append(errs, unknownErr(p+".region", pl.Region, both,
				"no membrane region %q in a %s geometry (membrane regions: %s; volume regions, for volume sites: %s)", pl.Region, kind, listOrNone(mem), listOrNone(vol)))
		case pl.Density > 0 && slices.Contains(vol, pl.Region) && !slices.Contains(mem, pl.Region):
			errs = append(errs, fieldErr(p+".density", "%q is a volume region: volume sites take volume_density (per µm³, e.g. 1 uM), not density", pl.Region))
		}
	}
	for i, r := range s.Regions {
		if !slices.Contains(vol, r.Name) {
			errs = append(errs, unknownErr(fmt.Sprintf("regions[%d].name", i), r.Name, vol,
				"no volume region %q in a %s geometry (regions: %s)", r.Name, kind, listOrNone(vol)))
		}
	}
	for i, st := range s.SiteTypes {
		for _, f := range []struct{ key, state string }{{"outward", st.Outward}, {"inward", st.Inward}} {
			if f.state != "" && !slices.Contains(st.Scheme.States, f.state) {
				unknown(fmt.Sprintf("sites[%d].%s", i, f.key), "state", f.state, st.Scheme.States)
			}
		}
	}
	drugNames := agents.DrugNames()
	for i, g := range s.Drugs {
		p := fmt.Sprintf("drugs[%d]", i)
		if _, ok := agents.LookupDrug(g.Name); !ok && g.Ki == 0 && g.Name != "" {
			errs = append(errs, unknownErr(p+".name", g.Name, drugNames,
				"unknown drug %q (built-in drugs: %s); for another drug give ki and targets", g.Name, listOrNone(drugNames)))
		}
		for k, t := range g.Targets {
			if slices.Contains(siteNames, t) {
				continue
			}
			if _, ok := agents.TransporterClass(t); ok {
				continue
			}
			errs = append(errs, unknownErr(fmt.Sprintf("%s.targets[%d]", p, k), t, siteNames,
				"unknown target %q (site types: %s; or a transporter class: %s)", t, listOrNone(siteNames), listOrNone(agents.Transporters)))
		}
	}
	for i, r := range s.Releases {
		if !slices.Contains(explicit, r.Species) {
			unknown(fmt.Sprintf("release[%d].species", i), "species", r.Species, explicit)
		}
	}
	for i, o := range s.Observables {
		p := fmt.Sprintf("observables[%d]", i)
		if o.Kind == kindConcentrationAt {
			if !slices.Contains(explicit, o.Species) {
				unknown(p+".species", "species", o.Species, explicit)
			}
			continue
		}
		if o.Site != "" && !slices.Contains(siteNames, o.Site) {
			unknown(p+".site", "site type", o.Site, siteNames)
		}
		// Diffusing species, baths and drugs (which become baths).
		held := append([]string(nil), all...)
		for _, g := range s.Drugs {
			held = append(held, g.Name)
		}
		if o.Species != "" && !slices.Contains(held, o.Species) {
			errs = append(errs, unknownErr(p+".species", o.Species, held,
				"unknown species %q (diffusing and bath species: %s)", o.Species, listOrNone(held)))
		}
		if o.Region != "" && !slices.Contains(both, o.Region) {
			errs = append(errs, unknownErr(p+".region", o.Region, both,
				"no region %q in a %s geometry (membrane regions, for surface sites: %s; volume regions, for volume sites: %s)",
				o.Region, kind, listOrNone(mem), listOrNone(vol)))
		}
	}
	for i, g := range s.Degradations {
		p := fmt.Sprintf("degradation[%d]", i)
		if !slices.Contains(explicit, g.Species) {
			unknown(p+".species", "species", g.Species, explicit)
		}
		if g.Region != "" && !slices.Contains(vol, g.Region) {
			errs = append(errs, unknownErr(p+".region", g.Region, vol,
				"no volume region %q in a %s geometry (regions: %s)", g.Region, kind, listOrNone(vol)))
		}
	}
	return errs
}
