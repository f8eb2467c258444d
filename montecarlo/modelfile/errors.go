package modelfile

import (
	"fmt"
	"strings"
	"unicode"
)

// Pos is where a value came from: a line and column of a model file, or a
// --set override.
type Pos struct {
	File string
	Line int // 1-based; 0 if unknown
	Col  int // 1-based; 0 if unknown
	// Set is the "key=value" text of the override that supplied the value,
	// or "" for a value from the file.
	Set string
}

// String is "file:line:col", "file:line" when the column is unknown, or
// "--set key=value" for an override.
func (p Pos) String() string {
	switch {
	case p.Set != "":
		return "--set " + p.Set
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// Error is one problem in a model file, at a position and a field path
// spelled as in montecarlo.FieldError ("sites[1].scheme.transitions[3].rate").
type Error struct {
	Pos  Pos
	Path string
	Msg  string
	Err  error // the underlying error, e.g. a *montecarlo.FieldError; may be nil
}

// Error formats the error as "file:line:col: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	if p := e.Pos.String(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is the list of problems found in a model file, in file order of
// discovery. Its Error method prints one per line.
type ErrorList []*Error

// Error prints the errors, one per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// maxErrors is how many errors a parse collects before it gives up.
const maxErrors = 10

// distance is the optimal-string-alignment edit distance (Levenshtein
// with adjacent transpositions) between a and b, over runes.
func distance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// closest returns the candidate nearest to s if it is near enough to be a
// plausible typo (case differences count as no distance), or "".
func closest(s string, candidates []string) string {
	if len(s) > 64 {
		return ""
	}
	best, bestD, bestP, bestL := "", 1<<30, -1, 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if len(c) > 64 {
			continue
		}
		lc := strings.ToLower(c)
		d := distance(ls, lc)
		p := 0
		for p < len(lc) && p < len(ls) && lc[p] == ls[p] {
			p++
		}
		l := abs(len(c) - len(s))
		// Ties: prefer the longer common prefix, then the closer length.
		if d < bestD || d == bestD && (p > bestP || p == bestP && l < bestL) {
			best, bestD, bestP, bestL = c, d, p, l
		}
	}
	n := len([]rune(s))
	limit := 1
	if n >= 4 {
		limit = 2
	}
	if n >= 9 {
		limit = 3
	}
	if best == "" || bestD > limit {
		return ""
	}
	return best
}

// suggest returns " (did you mean "x"?)" for the nearest candidate, or ""
// when none is near.
func suggest(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// nearest returns up to n candidates ordered by edit distance to s.
func nearest(s string, candidates []string, n int) []string {
	type cd struct {
		c string
		d int
	}
	var all []cd
	for _, c := range candidates {
		all = append(all, cd{c, distance(strings.ToLower(s), strings.ToLower(c))})
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && (all[j].d < all[j-1].d || all[j].d == all[j-1].d && all[j].c < all[j-1].c); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].c)
	}
	return out
}

// quoteList formats names for a message: "a, b, c".
func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func isPrintableName(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
