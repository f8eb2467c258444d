package modelfile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// segment is one step of an override key: a field name, or a list index.
type segment struct {
	name  string
	idx   int
	isIdx bool
}

func (s segment) String() string {
	if s.isIdx {
		return fmt.Sprintf("[%d]", s.idx)
	}
	return s.name
}

// parseKey splits "sites.glt1.scheme.transitions[0].rate" into segments.
func parseKey(key string) ([]segment, error) {
	bad := fmt.Errorf("malformed key %q (want e.g. run.duration, species.glu.D or placement[1].density)", key)
	if key == "" {
		return nil, fmt.Errorf("empty key (want key=value, e.g. run.duration=5 ms)")
	}
	var out []segment
	i := 0
	for {
		j := i
		for j < len(key) && key[j] != '.' && key[j] != '[' && key[j] != ']' {
			j++
		}
		read := j > i
		if read {
			out = append(out, segment{name: key[i:j]})
		}
		for j < len(key) && key[j] == '[' {
			k := strings.IndexByte(key[j:], ']')
			if k < 0 {
				return nil, bad
			}
			n, err := strconv.Atoi(key[j+1 : j+k])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad list index %q in %q (want [0], [1], ...)", key[j:j+k+1], key)
			}
			out = append(out, segment{idx: n, isIdx: true})
			j += k + 1
			read = true
		}
		if !read {
			return nil, bad
		}
		if j == len(key) {
			return out, nil
		}
		if key[j] != '.' || j+1 == len(key) {
			return nil, bad
		}
		i = j + 1
	}
}

// parseValue reads an override value as YAML (so that lists and mappings
// work: "[1 um, 1 um, 1 um]"), falling back to plain text.
func parseValue(value string) *yaml.Node {
	var doc yaml.Node
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		return yaml.Unmarshal([]byte(value), &doc)
	}()
	if err != nil || len(doc.Content) == 0 || doc.Content[0].Kind == yaml.AliasNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	}
	return doc.Content[0]
}

func mark(n *yaml.Node, ov string, origin map[*yaml.Node]string, depth int) {
	if n == nil || depth > 100 {
		return
	}
	origin[n] = ov
	for _, c := range n.Content {
		mark(c, ov, origin, depth+1)
	}
}

// deepCopy copies a subtree so that an override changes one occurrence of
// an anchored value, not every alias of it.
func deepCopy(n *yaml.Node, origin map[*yaml.Node]string, depth int) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Anchor = ""
	if o, ok := origin[n]; ok {
		origin[&c] = o
	}
	if depth < 100 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = deepCopy(x, origin, depth+1)
		}
	}
	return &c
}

// own returns parent.Content[i], replaced by a private copy when it is an
// alias or an anchor, so that it can be modified.
func own(parent *yaml.Node, i int, origin map[*yaml.Node]string) *yaml.Node {
	n := parent.Content[i]
	for hops := 0; n.Kind == yaml.AliasNode && n.Alias != nil && hops < 100; hops++ {
		n = n.Alias
	}
	if n != parent.Content[i] || n.Anchor != "" {
		n = deepCopy(n, origin, 0)
		parent.Content[i] = n
	}
	return n
}

// expandCompact turns a one-line transition scalar into the equivalent
// mapping in place, keeping the positions of its parts.
func expandCompact(n *yaml.Node, origin map[*yaml.Node]string) error {
	parts, err := compactParts(n.Value)
	if err != nil {
		return err
	}
	var content []*yaml.Node
	for _, k := range transitionKeys {
		tk, ok := parts[k]
		if !ok {
			continue
		}
		col := n.Column
		if tk.off >= 0 {
			col += utf8.RuneCountInString(n.Value[:tk.off])
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				col++
			}
		}
		kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: n.Line, Column: col}
		vn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: tk.text, Line: n.Line, Column: col}
		if o, ok := origin[n]; ok {
			origin[kn], origin[vn] = o, o
		}
		content = append(content, kn, vn)
	}
	n.Kind, n.Tag, n.Value, n.Style, n.Content = yaml.MappingNode, "!!map", "", 0, content
	return nil
}

func mapKeys(n *yaml.Node) []string {
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// validItemName reports whether s can name a new list item: letters,
// digits and underscores.
func validItemName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func itemName(n *yaml.Node) string {
	for hops := 0; n.Kind == yaml.AliasNode && n.Alias != nil && hops < 100; hops++ {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// applyOverride applies one "key=value" override to the root mapping.
func applyOverride(root *yaml.Node, ov string, origin map[*yaml.Node]string) *Error {
	fail := func(path, format string, args ...any) *Error {
		return &Error{Pos: Pos{Set: ov}, Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	key, value, ok := strings.Cut(ov, "=")
	if !ok {
		return fail("", "an override is key=value, e.g. run.duration=5 ms")
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	segs, err := parseKey(key)
	if err != nil {
		return fail("", "%v", err)
	}
	if root == nil || root.Kind != yaml.MappingNode {
		return fail(key, "the model is not a mapping; nothing to override")
	}
	val := parseValue(value)
	mark(val, ov, origin, 0)
	cur, sch, path := root, topSchema, ""
	for i := 0; i < len(segs); {
		sg, last := segs[i], i == len(segs)-1
		switch cur.Kind {
		case yaml.MappingNode:
			if sg.isIdx {
				return fail(path, "is a mapping, not a list: use %s.FIELD", path)
			}
			p := join(path, sg.name)
			vi := -1
			for k := 0; k+1 < len(cur.Content); k += 2 {
				if cur.Content[k].Value == sg.name {
					vi = k + 1
				}
			}
			if vi < 0 {
				if !sch.allows(sg.name) {
					cand := mapKeys(cur)
					if sch != nil {
						for _, k := range sch.keys {
							if !slices.Contains(cand, k) {
								cand = append(cand, k)
							}
						}
					}
					return fail(p, "no such field%s (nearest: %s)", suggest(sg.name, cand), quoteList(nearest(sg.name, cand, 4)))
				}
				kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: sg.name}
				origin[kn] = ov
				vn := val
				if !last {
					if c := sch.child(sg.name); c.isMapping() {
						vn = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
						origin[vn] = ov
					} else if c != nil && c.create {
						// e.g. drugs.cocaine.concentration on a model
						// without drugs: start the list.
						vn = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
						origin[vn] = ov
					} else {
						return fail(p, "is not in the model file; add it there first")
					}
				}
				cur.Content = append(cur.Content, kn, vn)
				vi = len(cur.Content) - 1
			}
			if last {
				cur.Content[vi] = val
				return nil
			}
			if !sch.free {
				sch = sch.child(sg.name)
			} else {
				sch = nil
			}
			cur, path = own(cur, vi, origin), p
			i++
		case yaml.SequenceNode:
			ei := -1
			if sg.isIdx {
				if sg.idx >= len(cur.Content) {
					if len(cur.Content) == 0 {
						return fail(path, "the list is empty; there is no item [%d]", sg.idx)
					}
					return fail(path, "has %d items ([0] to [%d]); there is no item [%d]", len(cur.Content), len(cur.Content)-1, sg.idx)
				}
				ei = sg.idx
			} else {
				var names []string
				for k, it := range cur.Content {
					n := itemName(it)
					if n != "" {
						names = append(names, n)
					}
					if n == sg.name && ei < 0 {
						ei = k
					}
				}
				if ei < 0 && sch != nil && sch.create && !last && validItemName(sg.name) {
					// Add the item {name: NAME} (e.g. a drug).
					it := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: "name"},
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: sg.name},
					}}
					mark(it, ov, origin, 0)
					cur.Content = append(cur.Content, it)
					ei = len(cur.Content) - 1
				}
				if ei < 0 {
					if sch == nil || !sch.named {
						return fail(path, "is a list: address its items by index, e.g. %s[0]", path)
					}
					return fail(join(path, sg.name), "no item named %q%s (names: %s)", sg.name, suggest(sg.name, names), quoteList(names))
				}
			}
			p := index(path, ei)
			if last {
				cur.Content[ei] = val
				return nil
			}
			if sch != nil {
				sch = sch.elem
			}
			cur, path = own(cur, ei, origin), p
			i++
		case yaml.ScalarNode:
			if sch != nil && sch.compact && !sg.isIdx {
				if err := expandCompact(cur, origin); err != nil {
					return fail(path, "%v", err)
				}
				continue // the same segment, now on a mapping
			}
			return fail(path, "is a single value (%q); it has no %s", cur.Value, sg)
		default:
			return fail(path, "cannot be overridden here")
		}
	}
	return nil
}
