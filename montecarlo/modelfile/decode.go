package modelfile

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// decoder turns a YAML node tree into a montecarlo.Spec, collecting errors
// and recording the position of every field path it reads.
type decoder struct {
	file   string
	origin map[*yaml.Node]string // nodes supplied by --set overrides
	pos    map[string]Pos
	errs   ErrorList
	budget int // node visits left (guards against alias blow-up)
	kind   string
	// species are the diffusing species' names, for sites that take a
	// library model (model.go).
	speciesNames []string
}

// maxVisits bounds the work on one file, aliases included.
const maxVisits = 100_000

func (d *decoder) at(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: d.file}
	}
	if s, ok := d.origin[n]; ok {
		return Pos{Set: s}
	}
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

func (d *decoder) add(p Pos, path, format string, args ...any) {
	switch {
	case len(d.errs) < maxErrors:
		d.errs = append(d.errs, &Error{Pos: p, Path: path, Msg: fmt.Sprintf(format, args...)})
	case len(d.errs) == maxErrors:
		d.errs = append(d.errs, &Error{Pos: Pos{File: d.file}, Msg: "too many errors; stopping here"})
	}
}

func (d *decoder) errf(n *yaml.Node, path, format string, args ...any) {
	d.add(d.at(n), path, format, args...)
}

// errPath reports an error at the recorded position of path (or its
// nearest recorded ancestor).
func (d *decoder) errPath(path, format string, args ...any) {
	d.add(lookup(d.pos, d.file, path), path, format, args...)
}

// lookup finds the position of path, or of its nearest recorded ancestor.
func lookup(pos map[string]Pos, file, path string) Pos {
	for p := path; p != ""; p = parent(p) {
		if q, ok := pos[p]; ok {
			return q
		}
	}
	return Pos{File: file}
}

// parent strips the last ".field" or "[i]" from a path.
func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (d *decoder) record(path string, n *yaml.Node) {
	if _, ok := d.pos[path]; !ok {
		d.pos[path] = d.at(n)
	}
}

// resolve follows aliases and spends the visit budget.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > 100 {
			return nil
		}
		n = n.Alias
	}
	d.budget--
	if d.budget < 0 {
		if d.budget == -1 {
			d.errf(n, "", "the document is too large (too many nodes or aliases)")
		}
		return nil
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

type field struct {
	key, val *yaml.Node
	path     string
}

// fields is a decoded mapping.
type fields struct {
	node *yaml.Node
	path string
	m    map[string]field
}

func (f *fields) has(name string) bool { _, ok := f.m[name]; return ok }

// mapping reads a mapping node whose keys must be among allowed.
func (d *decoder) mapping(n *yaml.Node, path string, allowed []string) *fields {
	fs := &fields{node: n, path: path, m: map[string]field{}}
	if n == nil {
		return fs
	}
	if n.Kind != yaml.MappingNode {
		d.errf(n, path, "must be a mapping with fields %s; got %s", quoteList(allowed), kindName(n))
		return fs
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.resolve(n.Content[i])
		if k == nil {
			return fs
		}
		if k.Kind != yaml.ScalarNode {
			d.errf(k, path, "a field name must be a plain word, got %s", kindName(k))
			continue
		}
		name := k.Value
		p := join(path, name)
		if name == "<<" {
			d.errf(k, path, "merge keys (<<) are not supported; write the fields out")
			continue
		}
		if prev, dup := fs.m[name]; dup {
			d.errf(k, p, "is given twice (first at line %d)", prev.key.Line)
			continue
		}
		if !slices.Contains(allowed, name) {
			if !isPrintableName(name) || len(name) > 100 {
				d.errf(k, path, "unknown field (fields here: %s)", quoteList(allowed))
				continue
			}
			d.errf(k, p, "unknown field %q%s (fields here: %s)", name, suggest(name, allowed), quoteList(allowed))
			continue
		}
		v := d.resolve(n.Content[i+1])
		if v == nil {
			return fs
		}
		fs.m[name] = field{key: k, val: v, path: p}
		if v.Kind == yaml.ScalarNode || v.Line == k.Line {
			d.record(p, v)
		} else {
			d.record(p, k)
		}
	}
	return fs
}

// missing reports a required field that is absent.
func (d *decoder) missing(fs *fields, name, what string) {
	p := lookup(d.pos, d.file, fs.path)
	if fs.path == "" && fs.node != nil {
		p = d.at(fs.node)
	}
	d.add(p, join(fs.path, name), "is required: %s", what)
}

// scalar returns the text of a scalar value.
func (d *decoder) scalar(f field) (string, bool) {
	v := f.val
	if v.Kind != yaml.ScalarNode {
		d.errf(v, f.path, "must be a single value, got %s", kindName(v))
		return "", false
	}
	if v.Tag == "!!null" {
		d.errf(v, f.path, "has no value")
		return "", false
	}
	return v.Value, true
}

// str reads a text field; required fields that are absent are reported.
func (d *decoder) str(fs *fields, name string, required bool) (string, bool) {
	f, ok := fs.m[name]
	if !ok {
		if required {
			d.missing(fs, name, "a name")
		}
		return "", false
	}
	return d.scalar(f)
}

type sign uint8

const (
	anySign sign = iota
	nonNegative
	positive
)

func (d *decoder) checkSign(f field, v float64, s sign) bool {
	switch {
	case s == nonNegative && v < 0:
		d.errf(f.val, f.path, "must not be negative, got %s", f.val.Value)
		return false
	case s == positive && v <= 0:
		d.errf(f.val, f.path, "must be positive, got %s", f.val.Value)
		return false
	}
	return true
}

// quantity parses a scalar value node with units.
func (d *decoder) quantity(f field, dim Dim, s sign) (float64, bool) {
	text, ok := d.scalar(f)
	if !ok {
		return 0, false
	}
	v, err := Quantity(text, dim)
	if err != nil {
		d.errf(f.val, f.path, "%v", err)
		return 0, false
	}
	return v, d.checkSign(f, v, s)
}

// qty reads field name of fs as a quantity of dimension dim.
func (d *decoder) qty(fs *fields, name string, dim Dim, s sign, required bool) (float64, bool) {
	f, ok := fs.m[name]
	if !ok {
		if required {
			d.missing(fs, name, dim.String())
		}
		return 0, false
	}
	return d.quantity(f, dim, s)
}

// integer reads a whole number (an optional count word is allowed).
func (d *decoder) integer(fs *fields, name string, lo int64, required bool) (int64, bool) {
	f, ok := fs.m[name]
	if !ok {
		if required {
			d.missing(fs, name, "a whole number")
		}
		return 0, false
	}
	v, ok := d.quantity(f, Count, anySign)
	if !ok {
		return 0, false
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		d.errf(f.val, f.path, "must be a whole number, got %s", f.val.Value)
		return 0, false
	}
	if int64(v) < lo {
		d.errf(f.val, f.path, "must be at least %d, got %s", lo, f.val.Value)
		return 0, false
	}
	return int64(v), true
}

// seq returns the items of a list value.
func (d *decoder) seq(f field) ([]*yaml.Node, bool) {
	if f.val.Kind != yaml.SequenceNode {
		d.errf(f.val, f.path, "must be a list, got %s", kindName(f.val))
		return nil, false
	}
	out := make([]*yaml.Node, 0, len(f.val.Content))
	for i, it := range f.val.Content {
		it = d.resolve(it)
		if it == nil {
			return nil, false
		}
		d.record(index(f.path, i), it)
		out = append(out, it)
	}
	return out, true
}

// names reads a list of names (or a single name).
func (d *decoder) names(f field) []string {
	if f.val.Kind == yaml.ScalarNode {
		s, ok := d.scalar(f)
		if !ok {
			return nil
		}
		return []string{s}
	}
	items, ok := d.seq(f)
	if !ok {
		return nil
	}
	var out []string
	for i, it := range items {
		s, ok := d.scalar(field{val: it, path: index(f.path, i)})
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// choice reads an enumerated word.
func (d *decoder) choice(fs *fields, name string, options []string, required bool) (string, bool) {
	f, ok := fs.m[name]
	if !ok {
		if required {
			d.missing(fs, name, "one of "+quoteList(options))
		}
		return "", false
	}
	s, ok := d.scalar(f)
	if !ok {
		return "", false
	}
	if !slices.Contains(options, s) {
		d.errf(f.val, f.path, "%q is not one of %s%s", s, quoteList(options), suggest(s, options))
		return "", false
	}
	return s, true
}

// decode reads the whole model.
func (d *decoder) decode(root *yaml.Node) montecarlo.Spec {
	var s montecarlo.Spec
	top := d.mapping(root, "", topKeys)
	if top.node == nil || top.node.Kind != yaml.MappingNode {
		return s
	}
	if n, ok := d.str(top, "name", false); ok {
		s.Name = n
	}
	if f, ok := top.m["description"]; ok {
		d.scalar(f)
	}
	if f, ok := top.m["geometry"]; ok {
		s.Geometry = d.geometry(f)
	} else {
		d.missing(top, "geometry", "a mapping with kind: cleft, box or mask")
	}
	if f, ok := top.m["species"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Species = append(s.Species, d.species(n, p)) })
	} else {
		d.missing(top, "species", "a list of diffusing species")
	}
	for _, sp := range s.Species {
		d.speciesNames = append(d.speciesNames, sp.Name)
	}
	if f, ok := top.m["baths"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Baths = append(s.Baths, d.bath(n, p)) })
	}
	if f, ok := top.m["regions"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Regions = append(s.Regions, d.region(n, p)) })
	}
	if f, ok := top.m["drugs"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Drugs = append(s.Drugs, d.drug(n, p)) })
	}
	if f, ok := top.m["sites"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.SiteTypes = append(s.SiteTypes, d.site(n, p)) })
	}
	if f, ok := top.m["placement"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Placements = append(s.Placements, d.placement(n, p)) })
	}
	if f, ok := top.m["release"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Releases = append(s.Releases, d.release(n, p)) })
	}
	if f, ok := top.m["degradation"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Degradations = append(s.Degradations, d.degradation(n, p)) })
	}
	if f, ok := top.m["observables"]; ok {
		d.each(f, func(n *yaml.Node, p string) { s.Observables = append(s.Observables, d.observable(n, p)) })
	}
	if f, ok := top.m["run"]; ok {
		s.Run = d.run(f)
	} else {
		d.missing(top, "run", "a mapping with duration and sample_interval")
	}
	if f, ok := top.m["output"]; ok {
		s.Output = d.output(f)
	}
	return s
}

// each calls fn for every item of a list field, with the item's path.
func (d *decoder) each(f field, fn func(n *yaml.Node, path string)) {
	items, ok := d.seq(f)
	if !ok {
		return
	}
	for i, it := range items {
		fn(it, index(f.path, i))
	}
}

func (d *decoder) geometry(f field) montecarlo.GeometrySpec {
	var g montecarlo.GeometrySpec
	fs := d.mapping(f.val, f.path, geometryKeys)
	if f.val.Kind != yaml.MappingNode {
		return g
	}
	kind, ok := d.choice(fs, "kind", []string{"cleft", "box", "mask"}, true)
	if !ok {
		return g
	}
	g.Kind, d.kind = kind, kind
	own := map[string][]string{"cleft": cleftKeys, "box": boxKeys, "mask": maskKeys}[kind]
	for _, k := range geometryKeys[1:] {
		if f, ok := fs.m[k]; ok && !slices.Contains(own, k) {
			d.errf(f.key, f.path, "%s is not a field of a %s geometry (fields: kind, %s)", k, kind, quoteList(own))
		}
	}
	if kind == "mask" {
		d.maskGeometry(fs, &g)
		return g
	}
	length := func(name string, dst *float64) {
		if v, ok := d.qty(fs, name, Length, positive, true); ok {
			*dst = v
		}
	}
	if kind == "cleft" {
		c := &g.Cleft
		length("voxel", &c.Voxel)
		length("width", &c.Width)
		length("synapse_radius", &c.SynapseRadius)
		length("psd_radius", &c.PSDRadius)
		length("membrane_radius", &c.MembraneRadius)
		length("half_width", &c.HalfWidth)
		length("half_height", &c.HalfHeight)
		return g
	}
	b := &g.Box
	length("voxel", &b.Voxel)
	if sf, ok := fs.m["size"]; ok {
		if sf.val.Kind == yaml.ScalarNode {
			if v, ok := d.quantity(sf, Length, positive); ok {
				b.Size = [3]float64{v, v, v}
			}
		} else if items, ok := d.seq(sf); ok {
			if len(items) != 3 {
				d.errf(sf.val, sf.path, "must be three lengths [x, y, z] (or one for a cube), got %d", len(items))
			} else {
				for i, it := range items {
					if v, ok := d.quantity(field{val: it, path: index(sf.path, i)}, Length, positive); ok {
						b.Size[i] = v
					}
				}
			}
		}
	} else {
		d.missing(fs, "size", "three lengths [x, y, z], e.g. [1 um, 1 um, 0.5 um]")
	}
	if af, ok := fs.m["absorbing"]; ok {
		faces := space.BoxFaces()
		got := d.names(af)
		if len(got) == 1 && (got[0] == "all" || got[0] == "none") {
			if got[0] == "all" {
				b.Absorbing = faces
			}
			return g
		}
		for i, s := range got {
			if !slices.Contains(faces, s) {
				p := af.path
				if af.val.Kind == yaml.SequenceNode {
					p = index(p, i)
				}
				d.errPath(p, "unknown face %q%s (faces: %s, or all)", s, suggest(s, faces), quoteList(faces))
				continue
			}
			b.Absorbing = append(b.Absorbing, s)
		}
	}
	return g
}

func (d *decoder) species(n *yaml.Node, path string) montecarlo.SpeciesSpec {
	var s montecarlo.SpeciesSpec
	fs := d.mapping(n, path, speciesKeys)
	s.Name, _ = d.str(fs, "name", true)
	s.D, _ = d.qty(fs, "D", Diffusion, positive, true)
	if f, ok := fs.m["D_region"]; ok {
		if f.val.Kind != yaml.MappingNode {
			d.errf(f.val, f.path, "must be a mapping of region: D, e.g. {cleft: 0.33 um^2/ms}; got %s", kindName(f.val))
			return s
		}
		s.DRegion = map[string]float64{}
		for i := 0; i+1 < len(f.val.Content); i += 2 {
			k, v := d.resolve(f.val.Content[i]), d.resolve(f.val.Content[i+1])
			if k == nil || v == nil {
				return s
			}
			if k.Kind != yaml.ScalarNode {
				d.errf(k, f.path, "a region name must be a plain word")
				continue
			}
			p := join(f.path, k.Value)
			if _, dup := s.DRegion[k.Value]; dup {
				d.errf(k, p, "is given twice")
				continue
			}
			d.record(p, v)
			if x, ok := d.quantity(field{key: k, val: v, path: p}, Diffusion, positive); ok {
				s.DRegion[k.Value] = x
			}
		}
	}
	return s
}

func (d *decoder) bath(n *yaml.Node, path string) montecarlo.BathSpec {
	var b montecarlo.BathSpec
	fs := d.mapping(n, path, bathKeys)
	b.Name, _ = d.str(fs, "name", true)
	b.Conc, _ = d.qty(fs, "concentration", Concentration, nonNegative, true)
	return b
}

func (d *decoder) region(n *yaml.Node, path string) montecarlo.RegionSpec {
	var r montecarlo.RegionSpec
	fs := d.mapping(n, path, regionKeys)
	r.Name, _ = d.str(fs, "name", true)
	if v, ok := d.qty(fs, "volume_fraction", Dimensionless, positive, false); ok {
		if v > 1 {
			d.errPath(join(path, "volume_fraction"), "must be in (0, 1], got %v", v)
		} else {
			r.Alpha = v
		}
	}
	if v, ok := d.qty(fs, "tortuosity", Dimensionless, positive, false); ok {
		if v < 1 {
			d.errPath(join(path, "tortuosity"), "must be at least 1 (λ = √(D/D*)), got %v", v)
		} else {
			r.Tortuosity = v
		}
	}
	return r
}

func (d *decoder) drug(n *yaml.Node, path string) montecarlo.DrugSpec {
	var g montecarlo.DrugSpec
	fs := d.mapping(n, path, drugKeys)
	g.Name, _ = d.str(fs, "name", true)
	g.Conc, _ = d.qty(fs, "concentration", Concentration, nonNegative, true)
	if f, ok := fs.m["targets"]; ok {
		g.Targets = d.names(f)
	}
	g.KOn, _ = d.qty(fs, "k_on", RateBi, positive, false)
	g.Ki, _ = d.qty(fs, "ki", Concentration, positive, false)
	if k, ok := d.choice(fs, "kind", []string{"blocker", "substrate"}, false); ok {
		g.Kind = k
	}
	g.Translocation, _ = d.qty(fs, "translocation", Rate1, positive, false)
	g.ReleaseInside, _ = d.qty(fs, "release", Rate1, positive, false)
	return g
}

func (d *decoder) site(n *yaml.Node, path string) montecarlo.SiteTypeSpec {
	var s montecarlo.SiteTypeSpec
	fs := d.mapping(n, path, siteKeys)
	s.Name, _ = d.str(fs, "name", true)
	if f, ok := fs.m["transporter"]; ok {
		if v, ok := d.scalar(f); ok {
			if c, ok := agents.TransporterClass(v); ok {
				s.Transporter = c
			} else {
				d.errf(f.val, f.path, "unknown transporter class %q (classes: %s)", v, quoteList(agents.Transporters))
			}
		}
	}
	s.Outward, _ = d.str(fs, "outward", false)
	s.Inward, _ = d.str(fs, "inward", false)
	s.Conductance, _ = d.qty(fs, "conductance", Conductance, nonNegative, false)
	s.DrivingForce, _ = d.qty(fs, "driving_force", Voltage, anySign, false)
	if d.libraryModel(fs, &s) {
		return s
	}
	f, ok := fs.m["scheme"]
	if !ok {
		d.missing(fs, "scheme", "a mapping with states and transitions, or model: NAME (mc transporters list)")
		return s
	}
	sc := d.mapping(f.val, f.path, schemeKeys)
	if sf, ok := sc.m["states"]; ok {
		s.Scheme.States = d.names(sf)
	} else if f.val.Kind == yaml.MappingNode {
		d.missing(sc, "states", "a list of state names, e.g. [C0, C1, O]")
	}
	s.Scheme.Initial, _ = d.str(sc, "initial", false)
	if cf, ok := sc.m["conducting"]; ok {
		s.Scheme.Conducting = d.names(cf)
	}
	if tf, ok := sc.m["transitions"]; ok {
		d.each(tf, func(n *yaml.Node, p string) {
			if t, ok := d.transition(n, p); ok {
				s.Scheme.Transitions = append(s.Scheme.Transitions, t)
			}
		})
	} else if f.val.Kind == yaml.MappingNode {
		d.missing(sc, "transitions", "a list of transitions")
	}
	return s
}

var kindNames = []string{"bind", "unbind", "transport", "degrade", "emit", "first-order", "bath"}

// rateDim is the dimension of a transition's rate.
func rateDim(k agents.Kind) Dim {
	if k == agents.Bind || k == agents.Bath {
		return RateBi
	}
	return Rate1
}

func (d *decoder) transition(n *yaml.Node, path string) (agents.Transition, bool) {
	var t agents.Transition
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return d.compactTransition(n, path)
	}
	fs := d.mapping(n, path, transitionKeys)
	if n.Kind != yaml.MappingNode {
		return t, false
	}
	ok := true
	var o bool
	if t.From, o = d.str(fs, "from", true); !o {
		ok = false
	}
	if t.To, o = d.str(fs, "to", true); !o {
		ok = false
	}
	k, o := d.choice(fs, "kind", kindNames, true)
	if !o {
		return t, false
	}
	t.Kind, _ = agents.ParseKind(k)
	if sf, has := fs.m["species"]; has {
		if t.Kind == agents.FirstOrder {
			d.errf(sf.key, sf.path, "a first-order transition takes no species")
			ok = false
		} else if t.Species, o = d.scalar(sf); !o {
			ok = false
		}
	} else if t.Kind != agents.FirstOrder {
		d.missing(fs, "species", "the ligand of a "+k+" transition")
		ok = false
	}
	if t.Rate, o = d.qty(fs, "rate", rateDim(t.Kind), positive, true); !o {
		ok = false
	}
	if _, has := fs.m["charge"]; has {
		// Elementary charges moved into the cell per transition.
		if t.Charge, o = d.qty(fs, "charge", Dimensionless, anySign, false); !o {
			ok = false
		}
	}
	return t, ok
}

type token struct {
	text string
	off  int // byte offset in the value
}

func tokens(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		if j > i {
			out = append(out, token{s[i:j], i})
		}
		i = j
	}
	return out
}

// compactParts splits "FROM -> TO [KIND [SPECIES]] RATE UNIT..." into its
// fields, with byte offsets into s.
func compactParts(s string) (parts map[string]token, err error) {
	ts := tokens(s)
	if len(ts) < 4 || (ts[1].text != "->" && ts[1].text != "→") {
		return nil, fmt.Errorf("a one-line transition is \"FROM -> TO KIND [SPECIES] RATE\", e.g. \"C0 -> C1 bind glu 4.59e6 /M/s\" or \"C2 -> O first-order 4.24 /ms\"; got %q", s)
	}
	parts = map[string]token{"from": ts[0], "to": ts[2]}
	rest := 3
	if numberRE.MatchString(ts[3].text) || strings.HasPrefix(ts[3].text, "-") {
		parts["kind"] = token{"first-order", -1}
	} else {
		parts["kind"] = ts[3]
		rest = 4
		if ts[3].text != "first-order" {
			if len(ts) < 6 {
				return nil, fmt.Errorf("a %s transition needs a species and a rate: \"FROM -> TO %s SPECIES RATE\"; got %q", ts[3].text, ts[3].text, s)
			}
			parts["species"] = ts[4]
			rest = 5
		}
	}
	if rest >= len(ts) {
		return nil, fmt.Errorf("the transition %q has no rate", s)
	}
	parts["rate"] = token{s[ts[rest].off:], ts[rest].off}
	return parts, nil
}

// subPos is the position of byte offset off inside the scalar n, when it
// can be known (a one-line plain or quoted scalar without escapes).
func (d *decoder) subPos(n *yaml.Node, off int) (Pos, bool) {
	p := d.at(n)
	if p.Set != "" || off < 0 || strings.ContainsAny(n.Value, "\n\\") ||
		n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || p.Line == 0 {
		return p, false
	}
	col := p.Col + utf8.RuneCountInString(n.Value[:off])
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		if strings.Contains(n.Value, "'") {
			return p, false
		}
		col++
	}
	p.Col = col
	return p, true
}

func (d *decoder) compactTransition(n *yaml.Node, path string) (agents.Transition, bool) {
	var t agents.Transition
	parts, err := compactParts(n.Value)
	if err != nil {
		d.errf(n, path, "%v", err)
		return t, false
	}
	for _, k := range transitionKeys {
		if tk, ok := parts[k]; ok {
			if p, ok := d.subPos(n, tk.off); ok {
				d.pos[join(path, k)] = p
			}
		}
	}
	t.From, t.To, t.Species = parts["from"].text, parts["to"].text, parts["species"].text
	kind := parts["kind"].text
	k, err := agents.ParseKind(kind)
	if err != nil {
		d.errPath(join(path, "kind"), "%q is not one of %s%s", kind, quoteList(kindNames), suggest(kind, kindNames))
		return t, false
	}
	t.Kind = k
	v, err := Quantity(parts["rate"].text, rateDim(k))
	if err != nil {
		d.errPath(join(path, "rate"), "%v", err)
		return t, false
	}
	if v <= 0 {
		d.errPath(join(path, "rate"), "must be positive, got %s", parts["rate"].text)
		return t, false
	}
	t.Rate = v
	return t, true
}

func (d *decoder) placement(n *yaml.Node, path string) montecarlo.PlacementSpec {
	var p montecarlo.PlacementSpec
	fs := d.mapping(n, path, placementKeys)
	p.Site, _ = d.str(fs, "site", true)
	p.Region, _ = d.str(fs, "region", true)
	p.State, _ = d.str(fs, "state", false)
	switch {
	case fs.has("volume_density") && (fs.has("count") || fs.has("density")):
		d.errf(fs.m["volume_density"].key, path, "give one of count, density or volume_density")
	case fs.has("volume_density"):
		// Sites per µm³ of extracellular volume: "1 uM" or "602 /um^3".
		p.VolumeDensity, _ = d.qty(fs, "volume_density", Concentration, positive, true)
	case fs.has("count") && fs.has("density"):
		d.errf(fs.m["density"].key, path, "give count or density, not both")
	case fs.has("count"):
		if c, ok := d.integer(fs, "count", 1, true); ok {
			if c > math.MaxInt32 {
				d.errPath(join(path, "count"), "is too large: at most %d sites; give a density instead", math.MaxInt32)
			} else {
				p.Count = int(c)
			}
		}
	case fs.has("density"):
		p.Density, _ = d.qty(fs, "density", Density, positive, true)
	default:
		if n.Kind == yaml.MappingNode {
			d.missing(fs, "count", "a number of sites, or give density (e.g. 5000 /um^2) or, in a volume region, volume_density (e.g. 1 uM)")
		}
	}
	return p
}

func (d *decoder) release(n *yaml.Node, path string) montecarlo.ReleaseSpec {
	var r montecarlo.ReleaseSpec
	fs := d.mapping(n, path, releaseKeys)
	if n.Kind != yaml.MappingNode {
		return r
	}
	r.Species, _ = d.str(fs, "species", true)
	if f, ok := fs.m["sites"]; ok {
		if fs.has("at") {
			d.errf(fs.m["at"].key, join(path, "at"), "give at (one release site) or sites (many), not both")
		}
		r.Sites = d.releaseSites(f)
	} else if f, ok := fs.m["at"]; ok {
		if f.val.Kind == yaml.ScalarNode {
			if s, ok := d.scalar(f); ok {
				if s == "cleft" {
					r.AtCleft = true
				} else {
					d.errf(f.val, f.path, "must be cleft (the centre of the cleft, at the presynaptic membrane) or a point [x, y, z] with units; got %q", s)
				}
			}
		} else {
			r.At, _ = d.point(f)
		}
	} else {
		d.missing(fs, "at", "cleft, or a point [x, y, z] such as [0 um, 0 um, 0.009 um]; or give sites")
	}
	if f, ok := fs.m["spontaneous"]; ok {
		sp := d.mapping(f.val, f.path, spontaneousKeys)
		r.Spontaneous, _ = d.qty(sp, "rate", Rate1, positive, true)
	}
	if f, ok := fs.m["pore"]; ok {
		pf := d.mapping(f.val, f.path, poreKeys)
		r.Pore, _ = d.qty(pf, "duration", Time, positive, true)
	}
	var given []string
	for _, k := range []string{"time", "times", "train"} {
		if fs.has(k) {
			given = append(given, k)
		}
	}
	tp := join(path, "times")
	if len(given) > 1 {
		d.errf(fs.m[given[1]].key, join(path, given[1]), "give one of time, times or train, not %s", strings.Join(given, " and "))
	} else if f, ok := fs.m["time"]; ok {
		d.pos[tp] = d.at(f.val)
		d.pos[index(tp, 0)] = d.at(f.val)
		if v, ok := d.quantity(f, Time, nonNegative); ok {
			r.Times = []float64{v}
		}
	} else if f, ok := fs.m["times"]; ok {
		d.pos[tp] = lookup(d.pos, d.file, f.path)
		if items, ok := d.seq(f); ok {
			for i, it := range items {
				if v, ok := d.quantity(field{val: it, path: index(f.path, i)}, Time, nonNegative); ok {
					r.Times = append(r.Times, v)
				}
			}
		}
	} else if f, ok := fs.m["train"]; ok {
		d.pos[tp] = lookup(d.pos, d.file, f.path)
		if times, ok := d.train(f); ok {
			r.Times = times
		}
	}
	r.N, _ = d.qty(fs, "molecules", Count, nonNegative, true)
	r.Dist = agents.Fixed
	if s, ok := d.choice(fs, "distribution", []string{"fixed", "poisson", "gaussian"}, false); ok {
		r.Dist, _ = agents.ParseCountDist(s)
	}
	if f, ok := fs.m["cv"]; ok {
		if r.Dist != agents.Gaussian {
			d.errf(f.key, f.path, "cv applies only to distribution: gaussian")
		} else {
			r.CV, _ = d.quantity(f, Dimensionless, nonNegative)
		}
	} else if r.Dist == agents.Gaussian {
		d.missing(fs, "cv", "the coefficient of variation of the gaussian count, e.g. 0.3")
	}
	r.Probability = 1
	if f, ok := fs.m["probability"]; ok {
		if v, ok := d.quantity(f, Dimensionless, positive); ok {
			if v > 1 {
				d.errf(f.val, f.path, "must be in (0, 1], got %s", f.val.Value)
			} else {
				r.Probability = v
			}
		}
	}
	return r
}

// train decodes a train of action potentials: tonic firing {start,
// frequency, count} with optional bursts [{at, spikes, frequency}] and
// pauses [{from, to}], and returns its spike times (agents.Pattern).
func (d *decoder) train(f field) ([]float64, bool) {
	tr := d.mapping(f.val, f.path, trainKeys)
	if f.val.Kind != yaml.MappingNode {
		return nil, false
	}
	var p agents.Pattern
	ok := true
	need := func(v bool) {
		ok = ok && v
	}
	if tr.has("start") {
		var v bool
		p.Start, v = d.qty(tr, "start", Time, nonNegative, false)
		need(v)
	}
	// Tonic firing needs frequency and count, unless the train is made
	// of bursts only.
	tonic := tr.has("frequency") || tr.has("count") || !tr.has("bursts")
	if tonic {
		var v bool
		p.FrequencyHz, v = d.qty(tr, "frequency", Frequency, positive, true)
		need(v)
		n, v := d.integer(tr, "count", 1, true)
		if v && n > agents.MaxTrainSpikes {
			d.errPath(join(f.path, "count"), "%d action potentials is too many (at most %d)", n, agents.MaxTrainSpikes)
			v = false
		}
		p.Count = int(n)
		need(v)
	}
	if bf, has := tr.m["bursts"]; has {
		items, v := d.seq(bf)
		need(v)
		for i, it := range items {
			bp := index(bf.path, i)
			bm := d.mapping(it, bp, burstKeys)
			if it.Kind != yaml.MappingNode {
				ok = false
				continue
			}
			var b agents.Burst
			var v1, v2, v3 bool
			b.At, v1 = d.qty(bm, "at", Time, nonNegative, true)
			n, v2 := d.integer(bm, "spikes", 1, true)
			if v2 && n > agents.MaxTrainSpikes {
				d.errPath(join(bp, "spikes"), "%d action potentials is too many (at most %d)", n, agents.MaxTrainSpikes)
				v2 = false
			}
			b.Spikes = int(n)
			b.FrequencyHz, v3 = d.qty(bm, "frequency", Frequency, positive, true)
			need(v1 && v2 && v3)
			p.Bursts = append(p.Bursts, b)
		}
		if v && len(items) == 0 && !tr.has("count") {
			d.errf(bf.val, bf.path, "is empty: give at least one burst {at, spikes, frequency}, or tonic firing (frequency and count)")
			ok = false
		}
	}
	if pf, has := tr.m["pauses"]; has {
		items, v := d.seq(pf)
		need(v)
		for i, it := range items {
			pp := index(pf.path, i)
			pm := d.mapping(it, pp, pauseKeys)
			if it.Kind != yaml.MappingNode {
				ok = false
				continue
			}
			var q agents.Pause
			var v1, v2 bool
			q.From, v1 = d.qty(pm, "from", Time, nonNegative, true)
			q.To, v2 = d.qty(pm, "to", Time, nonNegative, true)
			need(v1 && v2)
			p.Pauses = append(p.Pauses, q)
		}
	}
	if !ok {
		return nil, false
	}
	times, err := p.Times()
	if err != nil {
		var pe *agents.PatternError
		if errors.As(err, &pe) && pe.Field != "" {
			d.errPath(join(f.path, pe.Field), "%s", pe.Msg)
		} else {
			d.errPath(f.path, "%v", err)
		}
		return nil, false
	}
	return times, true
}

// point decodes a point [x, y, z] of lengths.
func (d *decoder) point(f field) ([3]float64, bool) {
	var p [3]float64
	items, ok := d.seq(f)
	if !ok {
		return p, false
	}
	if len(items) != 3 {
		d.errf(f.val, f.path, "a point needs three lengths [x, y, z], got %d", len(items))
		return p, false
	}
	all := true
	for i, it := range items {
		v, ok := d.quantity(field{val: it, path: index(f.path, i)}, Length, anySign)
		p[i] = v
		all = all && ok
	}
	return p, all
}

// releaseSites decodes the sites of a release: lattice: {spacing} or
// density (per µm³), optionally in a region and a box: {min, max}.
func (d *decoder) releaseSites(f field) *montecarlo.ReleaseSites {
	st := &montecarlo.ReleaseSites{}
	fs := d.mapping(f.val, f.path, releaseSiteKeys)
	if f.val.Kind != yaml.MappingNode {
		return st
	}
	st.Region, _ = d.str(fs, "region", false)
	switch {
	case fs.has("lattice") && fs.has("density"):
		d.errf(fs.m["density"].key, join(f.path, "density"), "give lattice or density, not both")
	case fs.has("lattice"):
		lf := fs.m["lattice"]
		lm := d.mapping(lf.val, lf.path, latticeKeys)
		st.Lattice, _ = d.qty(lm, "spacing", Length, positive, true)
	case fs.has("density"):
		// Sites per µm³: "0.104 /um^3".
		st.Density, _ = d.qty(fs, "density", Concentration, positive, true)
	default:
		d.missing(fs, "lattice", "a lattice: {spacing: 2 um}, or give density (e.g. 0.104 /um^3)")
	}
	if bf, ok := fs.m["box"]; ok {
		bm := d.mapping(bf.val, bf.path, boxRangeKeys)
		st.Box = true
		for i, k := range []string{"min", "max"} {
			dst := []*[3]float64{&st.Min, &st.Max}[i]
			if g, ok := bm.m[k]; ok {
				*dst, _ = d.point(g)
			} else {
				d.missing(bm, k, "a corner [x, y, z] of the box, e.g. [0 um, 0 um, 0 um]")
			}
		}
	}
	return st
}

// observable decodes one entry of observables: a concentration probe
// {kind: concentration_at, species, at, radius}, or an occupancy
// {kind: occupancy, site, species, region} or
// {kind: above_threshold, site, species, region, threshold}.
func (d *decoder) observable(n *yaml.Node, path string) montecarlo.ObservableSpec {
	var o montecarlo.ObservableSpec
	fs := d.mapping(n, path, observableKeys)
	kinds := []string{"concentration_at", "occupancy", "above_threshold"}
	o.Kind, _ = d.choice(fs, "kind", kinds, true)
	o.Name, _ = d.str(fs, "name", false)
	// Fields that belong to the other kinds.
	own := map[string][]string{
		"concentration_at": {"species", "at", "radius"},
		"occupancy":        {"site", "species", "region"},
		"above_threshold":  {"site", "species", "region", "threshold"},
	}[o.Kind]
	if own != nil {
		for _, k := range observableKeys[2:] {
			if f, ok := fs.m[k]; ok && !slices.Contains(own, k) {
				d.errf(f.key, f.path, "%s is not a field of kind %s (its fields: kind, name, %s)", k, o.Kind, quoteList(own))
			}
		}
	}
	switch o.Kind {
	case "concentration_at":
		o.Species, _ = d.str(fs, "species", true)
		if f, ok := fs.m["at"]; ok {
			o.At, _ = d.point(f)
		} else if n.Kind == yaml.MappingNode {
			d.missing(fs, "at", "the centre [x, y, z] of the probe, e.g. [1 um, 0 um, 0 um]")
		}
		o.Radius, _ = d.qty(fs, "radius", Length, positive, true)
	case "occupancy", "above_threshold":
		if _, ok := fs.m["site"]; ok {
			o.Site, _ = d.str(fs, "site", true)
		} else if n.Kind == yaml.MappingNode {
			d.missing(fs, "site", "a site type whose occupancy to measure")
		}
		o.Species, _ = d.str(fs, "species", false)
		o.Region, _ = d.str(fs, "region", false)
		if o.Kind == "above_threshold" {
			if f, ok := fs.m["threshold"]; ok {
				if v, ok := d.quantity(f, Dimensionless, positive); ok {
					if v > 1 {
						d.errf(f.val, f.path, "must be an occupancy in (0, 1] (e.g. 0.5, or 50 %%), got %s", f.val.Value)
					} else {
						o.Threshold = v
					}
				}
			} else if n.Kind == yaml.MappingNode {
				d.missing(fs, "threshold", "an occupancy in (0, 1], e.g. 0.5 (at least half occupied) or 1 (fully occupied)")
			}
		}
	}
	return o
}

func (d *decoder) degradation(n *yaml.Node, path string) montecarlo.DegradationSpec {
	var g montecarlo.DegradationSpec
	fs := d.mapping(n, path, degradationKeys)
	g.Species, _ = d.str(fs, "species", true)
	g.Region, _ = d.str(fs, "region", false)
	g.Rate, _ = d.qty(fs, "rate", Rate1, positive, true)
	return g
}

// bounded reads an optional whole number in [0, hi]; what says what it
// counts and zero what 0 means, for the message.
func (d *decoder) bounded(fs *fields, name string, hi int64, what, zero string) (int, bool) {
	v, ok := d.integer(fs, name, math.MinInt64, false)
	if !ok {
		return 0, false
	}
	if v < 0 || v > hi {
		f := fs.m[name]
		d.errf(f.val, f.path, "must be a whole number of %s from 0 to %d (%s), got %s", what, hi, zero, f.val.Value)
		return 0, false
	}
	return int(v), true
}

// Limits of the run settings shards and long_steps (montecarlo.RunSpec
// Shards and LongSteps).
const (
	maxShards    = 4096
	maxLongSteps = 255
)

func (d *decoder) run(f field) montecarlo.RunSpec {
	r := montecarlo.RunSpec{Replicates: 1, Seed: 1}
	fs := d.mapping(f.val, f.path, runKeys)
	if f.val.Kind != yaml.MappingNode {
		return r
	}
	if df, ok := fs.m["dt"]; ok {
		if s, ok := d.scalar(df); ok && strings.TrimSpace(s) != "auto" {
			r.Dt, _ = d.quantity(df, Time, positive)
		}
	}
	r.Duration, _ = d.qty(fs, "duration", Time, positive, true)
	r.SampleInterval, _ = d.qty(fs, "sample_interval", Time, positive, true)
	if v, ok := d.integer(fs, "replicates", 1, false); ok {
		if v > math.MaxInt32 {
			d.errPath(join(f.path, "replicates"), "is too large: at most %d replicates in one run; split a larger ensemble into runs with different seeds", math.MaxInt32)
		} else {
			r.Replicates = int(v)
		}
	}
	r.Shards, _ = d.bounded(fs, "shards", maxShards, "blocks per replicate", "0 or 1: one block")
	r.LongSteps, _ = d.bounded(fs, "long_steps", maxLongSteps, "timesteps per long step", "0 or 1: no long steps")
	if sf, ok := fs.m["seed"]; ok {
		if s, ok := d.scalar(sf); ok {
			v, err := strconv.ParseUint(strings.TrimSpace(s), 0, 64)
			if err != nil {
				d.errf(sf.val, sf.path, "must be a whole number from 0 to 2^64-1, got %q", s)
			} else {
				r.Seed = v
			}
		}
	}
	return r
}
