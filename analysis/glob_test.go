package analysis

import (
	"path"
	"strings"
	"testing"
)

func TestMatchElems(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"**/*.parquet", "a.parquet", true},
		{"**/*.parquet", "run/summary/condition=base/part-00000.parquet", true},
		{"run/**/part-*.parquet", "run/part-1.parquet", true},
		{"run/**/part-*.parquet", "run/x/y/part-1.parquet", true},
		{"run/**/part-*.parquet", "other/x/part-1.parquet", false},
		{"**/condition=*", "run/summary/condition=a", true},
		{"**/condition=*", "run/summary", false},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/x/c", false},
		{"a/*", "a/b/c", false},
	}
	for _, tt := range tests {
		if got := matchElems(strings.Split(tt.pat, "/"), strings.Split(tt.name, "/")); got != tt.want {
			t.Errorf("matchElems(%q, %q) = %v, want %v", tt.pat, tt.name, got, tt.want)
		}
	}
}

// FuzzMatchElems checks that without "**" matchElems agrees with
// path.Match element by element, and that a leading "**/" matches a name
// whenever the rest of the pattern matches any suffix of it.
func FuzzMatchElems(f *testing.F) {
	f.Add("run/*/part-*.parquet", "run/summary/part-0.parquet")
	f.Add("a/[bc]/?", "a/c/d")
	f.Fuzz(func(t *testing.T, pat, name string) {
		if strings.Contains(pat, "**") || pat == "" || name == "" {
			return
		}
		want, err := path.Match(pat, name)
		if err != nil {
			return
		}
		ps, ns := strings.Split(pat, "/"), strings.Split(name, "/")
		for _, e := range ps {
			if _, err := path.Match(e, ""); err != nil {
				return // a class across a separator ("a[/]"): not a per-element pattern, and glob refuses it
			}
		}
		if got := matchElems(ps, ns); got != want {
			t.Fatalf("matchElems(%q, %q) = %v, path.Match says %v", pat, name, got, want)
		}
		if want && !matchElems(append([]string{"**"}, ps...), append([]string{"x", "y"}, ns...)) {
			t.Fatalf("**/%s does not match x/y/%s", pat, name)
		}
	})
}
