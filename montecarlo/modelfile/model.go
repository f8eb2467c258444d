package modelfile

import (
	"slices"
	"strings"

	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo"
)

// libraryModel handles "model: NAME" on a site: the site takes the scheme
// of the named model of the transporter library (agents/transporters),
// with its substrate renamed to a species of the model file, its rates
// overridden by "rates:" and, unless the site gives them, its outward and
// inward states and its drug class. It reports whether the site has a
// model (then the caller reads no scheme).
//
// The rules, each refused at the line with the fix:
//   - model and scheme given by the same source (both in the file, or both
//     by --set) is an error; a --set of one replaces the other given by
//     the file, so --sweep 'sites.glt1.model=A,B' works on a preset;
//   - a model of one transporter family on a site that declares another
//     (transporter: DAT with a SERT or a glutamate-transporter model) is
//     refused, not warned about: drugs would act with the wrong Ki;
//   - the substrate is "substrate:" if given, else the model's own name
//     for it if the file has that species, else the file's only species
//     unless that is the substrate name of other library models (glu, da,
//     ser, ne): a DAT model on a glutamate site is refused.
func (d *decoder) libraryModel(fs *fields, s *montecarlo.SiteTypeSpec) bool {
	mf, hasModel := fs.m["model"]
	sf, hasScheme := fs.m["scheme"]
	fromSet := func(f field) bool { _, ok := d.origin[f.val]; return ok }
	if !hasModel {
		for _, k := range []string{"substrate", "rates"} {
			if f, ok := fs.m[k]; ok {
				d.errf(f.key, f.path, "applies to a library model only: add model: NAME (mc transporters list) or remove %s", k)
			}
		}
		return false
	}
	if hasScheme {
		switch {
		case fromSet(mf) == fromSet(sf):
			d.errf(mf.key, mf.path, "a site takes either model: (a library model) or scheme: (written out), not both; remove one (line %d has the scheme)", sf.key.Line)
			return true
		case fromSet(sf):
			return false // --set of the scheme replaces the file's model
		}
		// --set of the model replaces the file's scheme.
	}
	name, ok := d.scalar(mf)
	if !ok {
		return true
	}
	m, err := transporters.Lookup(name)
	if err != nil {
		d.errf(mf.val, mf.path, "%v", err)
		return true
	}
	if s.Transporter != "" && s.Transporter != m.Class {
		fam := m.Family
		var same []string
		for _, o := range transporters.All() {
			if o.Class == s.Transporter {
				same = append(same, o.Name)
			}
		}
		d.errf(mf.val, mf.path, "model %s is a %s model, but the site declares transporter: %s (drugs would act with the wrong Ki); use a %s model (%s) or remove transporter:",
			m.Name, fam, s.Transporter, s.Transporter, strings.Join(same, ", "))
		return true
	}
	// Substrate.
	sp := ""
	if f, ok := fs.m["substrate"]; ok {
		if v, ok := d.scalar(f); ok {
			if !slices.Contains(d.speciesNames, v) {
				d.errf(f.val, f.path, "species %q is not in the model%s (species: %s)", v, suggest(v, d.speciesNames), quoteList(d.speciesNames))
				return true
			}
			sp = v
		}
	} else if slices.Contains(d.speciesNames, m.Substrate) {
		sp = m.Substrate
	} else if len(d.speciesNames) == 1 && !librarySubstrate(d.speciesNames[0]) {
		sp = d.speciesNames[0]
	} else if len(d.speciesNames) == 1 {
		d.errf(mf.val, mf.path, "model %s is a %s model and transports %q, but this model's species is %q, the substrate of other library models (a site declared for one transporter cannot take a model of another); pick a model for %s, or force it with substrate: %s",
			m.Name, m.Family, m.Substrate, d.speciesNames[0], d.speciesNames[0], d.speciesNames[0])
		return true
	} else {
		d.errf(mf.val, mf.path, "model %s transports %q, which is not a species here; say which species it takes up with substrate: (species: %s)", m.Name, m.Substrate, quoteList(d.speciesNames))
		return true
	}
	// Rate overrides by parameter name.
	if f, ok := fs.m["rates"]; ok {
		rf := d.mapping(f.val, f.path, m.RateList())
		for _, k := range m.RateList() {
			dim := Rate1
			if m.IsBinding(k) {
				dim = RateBi
			}
			if v, ok := d.qty(rf, k, dim, positive, false); ok {
				if err := m.SetRate(k, v); err != nil {
					d.errf(rf.m[k].val, rf.m[k].path, "%v", err)
				}
			}
		}
	}
	s.Scheme = m.WithSubstrate(sp)
	if s.Transporter == "" {
		s.Transporter = m.Class
	}
	// Outward and inward states: the site's if given with the model (same
	// source), else the model's.
	for _, st := range []struct {
		key string
		dst *string
		def string
	}{{"outward", &s.Outward, m.Outward}, {"inward", &s.Inward, m.Inward}} {
		f, ok := fs.m[st.key]
		if !ok || fromSet(f) != fromSet(mf) {
			*st.dst = st.def
			continue
		}
		if !slices.Contains(m.Scheme.States, *st.dst) {
			d.errf(f.val, f.path, "state %q is not a state of model %s (states: %s)", *st.dst, m.Name, quoteList(m.Scheme.States))
		}
	}
	return true
}

// librarySubstrate reports whether sp is the substrate name of some
// library model.
func librarySubstrate(sp string) bool {
	for _, m := range transporters.All() {
		if m.Substrate == sp {
			return true
		}
	}
	return false
}
