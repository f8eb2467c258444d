// Package modelfile reads reuptake model files: YAML documents that
// describe a synapse (geometry, diffusing species, receptors and
// transporters with their kinetic schemes, placements, release protocols,
// run settings) with a unit on every dimensional value. It converts them
// into a montecarlo.Spec in the engine's internal units and maps every
// error, including the semantic ones found by montecarlo.NewModel, back to
// file:line:col. The format is documented in docs/model-format.md.
//
// Typical use:
//
//	m, err := modelfile.Load("synapse.yaml", "run.duration=5 ms")
//	if err != nil {
//		fmt.Fprintln(os.Stderr, err) // one "file:line:col: path: message" per line
//		os.Exit(2)
//	}
package modelfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// Source remembers where each field of a parsed model came from, so that
// errors found later (by montecarlo.NewModel) can name a file position. It
// also keeps the file text and the overrides applied, for Set.
type Source struct {
	Filename  string
	data      []byte
	overrides []string
	pos       map[string]Pos
	schemes   [][]agents.Transition // per site type, to place scheme errors on a transition
}

// Pos returns the position of the field path (spelled as in
// montecarlo.FieldError, e.g. "sites[1].scheme.transitions[3].rate"), or
// of its nearest ancestor that has one; ok is false when neither has.
func (s *Source) Pos(path string) (p Pos, ok bool) {
	for q := path; q != ""; q = parent(q) {
		if p, ok := s.pos[q]; ok {
			return p, true
		}
	}
	return Pos{File: s.Filename}, false
}

// Overrides returns the "key=value" overrides applied to the file.
func (s *Source) Overrides() []string { return append([]string(nil), s.overrides...) }

// Locate maps an error from montecarlo.NewModel to the model file: a
// *montecarlo.FieldError becomes an ErrorList with one *Error at the
// position of its field (or of the most specific part of it the message
// names, such as one transition of a scheme). Other errors are returned as
// an ErrorList positioned at the file. Locate(nil) is nil.
func (s *Source) Locate(err error) error {
	if err == nil {
		return nil
	}
	var list ErrorList
	for _, e := range splitJoined(err) {
		if len(list) == maxErrors { // as Decode
			list = append(list, &Error{Pos: Pos{File: s.Filename}, Msg: "too many errors; stopping here"})
			break
		}
		var fe *montecarlo.FieldError
		if !errors.As(e, &fe) {
			list = append(list, &Error{Pos: Pos{File: s.Filename}, Msg: e.Error(), Err: e})
			continue
		}
		path := s.refine(fe.Path, fe.Msg)
		p, _ := s.Pos(path)
		list = append(list, &Error{Pos: p, Path: path, Msg: withSuggestion(fe), Err: e})
	}
	return list
}

// splitJoined returns the errors an errors.Join joined (recursively), or
// err alone.
func splitJoined(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, splitJoined(e)...)
	}
	return out
}

// withSuggestion is the message of fe with, for an unknown name, the
// nearest known name suggested before the parenthesis that lists the
// known names: `unknown state "X" (did you mean "O"?) (states: C0, O)`.
func withSuggestion(fe *montecarlo.FieldError) string {
	sg := ""
	if fe.Name != "" {
		sg = suggest(fe.Name, fe.Known)
	}
	if sg == "" {
		return fe.Msg
	}
	q := strconv.Quote(fe.Name)
	i := strings.Index(fe.Msg, q)
	if i < 0 {
		return fe.Msg + sg
	}
	i += len(q)
	if j := strings.Index(fe.Msg[i:], " ("); j >= 0 {
		i += j
	} else {
		i = len(fe.Msg)
	}
	return fe.Msg[:i] + sg + fe.Msg[i:]
}

var (
	transitionRE = regexp.MustCompile(`^transition (\d+) \(`)
	bindingRE    = regexp.MustCompile(`^binding of (\S+) in state (\S+) has`)
	cleftFieldRE = regexp.MustCompile(`cleft (voxel|width|synapse_radius|psd_radius|membrane_radius|half_width|half_height)\b`)
)

// refine narrows a FieldError path using its message: montecarlo reports
// scheme errors at "sites[i].scheme" and geometry errors at "geometry",
// with the transition or field named in the text. (Unknown states and
// species never reach here: NewModel reports them at their field.)
func (s *Source) refine(path, msg string) string {
	try := func(p string) bool { _, ok := s.pos[p]; return ok }
	var narrow string
	switch {
	case regexp.MustCompile(`^sites\[\d+\]\.scheme$`).MatchString(path):
		if m := transitionRE.FindStringSubmatch(msg); m != nil {
			k, _ := strconv.Atoi(m[1])
			tp := fmt.Sprintf("%s.transitions[%d]", path, k-1)
			narrow = tp
			for _, c := range []struct{ re, field string }{
				{`rate must`, "rate"},
				{`species|not a clamped bath`, "species"},
			} {
				if regexp.MustCompile(c.re).MatchString(msg) && try(tp+"."+c.field) {
					narrow = tp + "." + c.field
					break
				}
			}
		} else if m := bindingRE.FindStringSubmatch(msg); m != nil {
			// Too large a hit probability: point at the rate of the
			// binding transition (the first, if several compete).
			var i int
			fmt.Sscanf(path, "sites[%d]", &i)
			if i >= 0 && i < len(s.schemes) {
				for k, t := range s.schemes[i] {
					if t.From == m[2] && t.Species == m[1] && t.Kind == agents.Bind {
						narrow = fmt.Sprintf("%s.transitions[%d].rate", path, k)
						break
					}
				}
			}
		} else if regexp.MustCompile(`^(state .* is defined twice|state \d+ has an empty name|scheme has no states|states .* cannot be reached)`).MatchString(msg) {
			narrow = path + ".states"
		}
	case path == "geometry":
		if m := cleftFieldRE.FindStringSubmatch(msg); m != nil {
			narrow = "geometry." + m[1]
		} else if regexp.MustCompile(`box voxel`).MatchString(msg) {
			narrow = "geometry.voxel"
		} else if regexp.MustCompile(`box size`).MatchString(msg) {
			narrow = "geometry.size"
		} else if regexp.MustCompile(`box face`).MatchString(msg) {
			narrow = "geometry.absorbing"
		} else if m := regexp.MustCompile(`^space: mask label (\d+)`).FindStringSubmatch(msg); m != nil {
			narrow = "geometry.labels." + m[1]
		} else if regexp.MustCompile(`^space: mask voxel`).MatchString(msg) {
			narrow = "geometry.voxel"
		} else if regexp.MustCompile(`^space: (the )?mask`).MatchString(msg) {
			narrow = "geometry.file"
		}
	}
	if narrow != "" && (try(narrow) || try(parent(narrow))) {
		return narrow
	}
	return path
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError converts an error of the YAML parser.
func syntaxError(file string, err error) *Error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Pos: Pos{File: file, Line: line}, Msg: "YAML syntax: " + m[2], Err: err}
	}
	if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	return &Error{Pos: Pos{File: file}, Msg: "YAML syntax: " + msg, Err: err}
}

// readYAML parses one YAML document, guarding against parser panics.
func readYAML(file string, data []byte) (root *yaml.Node, e *Error) {
	defer func() {
		if r := recover(); r != nil {
			root, e = nil, &Error{Pos: Pos{File: file}, Msg: fmt.Sprintf("YAML syntax: the parser failed: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &Error{Pos: Pos{File: file}, Msg: "the model file is empty"}
		}
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, syntaxError(file, err)
		}
		return nil, &Error{Pos: Pos{File: file, Line: extra.Line, Col: extra.Column}, Msg: "a model file holds one YAML document; remove the second (---)"}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{Pos: Pos{File: file}, Msg: "the model file is empty"}
	}
	return doc.Content[0], nil
}

// Decode parses a model file, applying the --set overrides ("key=value",
// see Set) to the YAML tree before decoding, and returns the Spec and its
// Source. Errors are an ErrorList of up to about ten problems, each
// "file:line:col: path: message" (or "--set key=value: path: message"
// for a problem in an override). Decode checks syntax, units and required
// fields; montecarlo.NewModel (see Compile) checks the names that refer to
// each other and the rest, and Compile places each of its errors.
func Decode(filename string, data []byte, overrides []string) (montecarlo.Spec, *Source, error) {
	src := &Source{Filename: filename, data: append([]byte(nil), data...), overrides: append([]string(nil), overrides...), pos: map[string]Pos{}}
	root, e := readYAML(filename, data)
	if e != nil {
		return montecarlo.Spec{}, src, ErrorList{e}
	}
	origin := map[*yaml.Node]string{}
	var errs ErrorList
	for _, ov := range overrides {
		if e := applyOverride(root, ov, origin); e != nil {
			errs = append(errs, e)
		}
	}
	d := &decoder{file: filename, origin: origin, pos: src.pos, budget: maxVisits, errs: errs}
	spec := d.decode(root)
	for _, st := range spec.SiteTypes {
		src.schemes = append(src.schemes, st.Scheme.Transitions)
	}
	if len(d.errs) > 0 {
		return spec, src, d.errs
	}
	return spec, src, nil
}

// Parse parses a model file (data, named filename in error messages) into
// a Spec in internal units, and a Source for positioning later errors.
func Parse(filename string, data []byte) (montecarlo.Spec, *Source, error) {
	return Decode(filename, data, nil)
}

// ParseWithOverrides is Parse with --set overrides ("key=value") applied
// to the YAML tree first; see Set for the key syntax.
func ParseWithOverrides(filename string, data []byte, overrides []string) (montecarlo.Spec, error) {
	s, _, err := Decode(filename, data, overrides)
	return s, err
}

// Compile validates spec with montecarlo.NewModel and maps its errors to
// positions in src (see Source.Locate).
func Compile(spec montecarlo.Spec, src *Source) (*montecarlo.Model, error) {
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return nil, src.Locate(err)
	}
	return m, nil
}

// LoadBytes parses model-file text with overrides and compiles it.
func LoadBytes(filename string, data []byte, overrides ...string) (*montecarlo.Model, error) {
	spec, src, err := Decode(filename, data, overrides)
	if err != nil {
		return nil, err
	}
	return Compile(spec, src)
}

// Load reads the model file at path, applies the overrides ("key=value",
// see Set), and returns the validated model. Every error names a file
// position (see Decode).
func Load(path string, overrides ...string) (*montecarlo.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return LoadBytes(path, data, overrides...)
}

// Set applies one override to a parsed model: the value (model-file text,
// with units: "5 ms", "[1 um, 1 um, 1 um]", "C0 -> C1 bind glu 1e7 /M/s")
// replaces the field at key, and spec and src are replaced by the result
// of parsing the file again with all overrides so far. On error both are
// left unchanged.
//
// A key is a path through the YAML tree: fields joined by dots, list items
// by index ("placement[1].density") or, in species, baths and sites, by
// name ("species.glu.D", "sites.glt1.scheme.transitions[0].rate"). A
// one-line transition can be addressed field by field. A key the schema
// allows but the file omits (e.g. "run.dt") is added. A key that does not
// exist is an error listing the nearest existing keys.
func Set(spec *montecarlo.Spec, src *Source, key, value string) error {
	if spec == nil || src == nil {
		return errors.New("modelfile.Set: nil spec or source")
	}
	ov := append(src.Overrides(), key+"="+value)
	s, s2, err := Decode(src.Filename, src.data, ov)
	if err != nil {
		return err
	}
	*spec, *src = s, *s2
	return nil
}
