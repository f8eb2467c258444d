package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/reuptake/reuptake"

// allowedImports says which project packages each layer may import
// (DESIGN.md §1): imports point down the layers only, and analysis reads
// results without ever touching the engine.
func allowedImports(pkg, imp string) bool {
	rel := func(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }
	p, i := rel(pkg), rel(imp)
	under := func(s, root string) bool { return s == root || strings.HasPrefix(s, root+"/") }
	switch {
	case under(p, "cmd"), under(p, "benchmarks"):
		return true
	case under(p, "analysis"):
		return under(i, "analysis") || i == "montecarlo/results"
	case p == "montecarlo/atomicfile":
		return false
	case p == "montecarlo/results":
		return i == "montecarlo/atomicfile"
	case under(p, "montecarlo"):
		return under(i, "montecarlo") || under(i, "agents") || under(i, "space")
	case under(p, "agents"):
		return under(i, "agents") || under(i, "space")
	case under(p, "space"):
		return under(i, "space")
	}
	return false
}

// TestLayers fails on any import that points up the layers.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 5 {
		t.Fatalf("go list found only %d packages", len(lines))
	}
	for _, line := range lines {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, module) && !allowedImports(f[0], imp) {
				t.Errorf("%s imports %s: an upward (or sideways) import across the layers of DESIGN.md §1", f[0], imp)
			}
		}
	}
}

func TestAllowedImportsTable(t *testing.T) {
	for _, c := range []struct {
		pkg, imp string
		ok       bool
	}{
		{"space", "agents", false},
		{"agents", "space", true},
		{"montecarlo", "agents", true},
		{"montecarlo/batch", "montecarlo/results", true},
		{"analysis", "montecarlo", false},
		{"analysis", "montecarlo/results", true},
		{"montecarlo/results", "montecarlo", false},
		{"cmd/mc", "analysis", true},
		{"montecarlo/results", "montecarlo/atomicfile", true},
		{"montecarlo/atomicfile", "montecarlo/results", false},
		{"space", "montecarlo", false},
	} {
		if got := allowedImports(module+"/"+c.pkg, module+"/"+c.imp); got != c.ok {
			t.Errorf("%s → %s: allowed = %v, want %v", c.pkg, c.imp, got, c.ok)
		}
	}
}
