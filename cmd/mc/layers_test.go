package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/reuptake/reuptake"

// importGraph is the allowed import graph of the project's packages
// (docs/design.md §1.1): for each package, the project packages its
// non-test code may import. Imports point down the layers only:
//
//	space ← agents ← montecarlo ← montecarlo/modelfile ← montecarlo/validate
//	montecarlo/results ← montecarlo/batch (with montecarlo)
//	montecarlo/results ← analysis ← analysis/figure
//
// The engine (space, agents, montecarlo) never imports the Parquet layer
// (montecarlo/results, montecarlo/batch, parquet-go; see engineForbidden),
// and analysis never imports the engine: it reads result files only. The
// wiring packages (cmd/mc, benchmarks) may import anything. A new package
// must be added here, with its place in the layers.
var importGraph = map[string][]string{
	"space":                 {},
	"agents":                {"space"},
	"agents/transporters":   {"agents"},
	"montecarlo":            {"space", "agents"},
	"montecarlo/modelfile":  {"space", "agents", "agents/transporters", "montecarlo"},
	"montecarlo/validate":   {"space", "agents", "montecarlo", "montecarlo/modelfile", "montecarlo/protocols", "agents/transporters"},
	"montecarlo/protocols":  {"space", "agents", "agents/transporters", "montecarlo", "montecarlo/modelfile"},
	"montecarlo/atomicfile": {},
	"montecarlo/results":    {"montecarlo/atomicfile"},
	"montecarlo/batch":      {"montecarlo", "montecarlo/results", "montecarlo/atomicfile"},
	"analysis":              {"montecarlo/results"},
	"analysis/analysistest": {"montecarlo/results"},
	"analysis/figure":       {"analysis", "montecarlo/results", "montecarlo/atomicfile"},
	// The viewer rebuilds a model's geometry and reads a run's tables.
	"cmd/mc/internal/view": {"space", "montecarlo", "montecarlo/modelfile", "montecarlo/results", "montecarlo/batch"},
}

// wiring lists the packages that may import any project package.
var wiring = []string{"cmd/mc", "benchmarks"}

// enginePackages are the packages of the simulation engine.
var enginePackages = []string{"space", "agents", "montecarlo"}

// engineForbidden are the import path prefixes the engine must not reach,
// directly, through other packages, or from its tests: the Parquet layer.
var engineForbidden = []string{
	module + "/montecarlo/results",
	module + "/montecarlo/batch",
	"github.com/parquet-go/",
}

func rel(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }

// allowedImport reports whether package pkg may import imp (both full
// import paths of the module) and whether pkg is known to the graph.
func allowedImport(pkg, imp string) (ok, known bool) {
	p, i := rel(pkg), rel(imp)
	if slices.Contains(wiring, p) {
		return true, true
	}
	allowed, known := importGraph[p]
	return slices.Contains(allowed, i), known
}

type listedPackage struct {
	ImportPath                string
	Imports, Deps             []string
	TestImports, XTestImports []string
}

// listPackages runs go list over the module.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps,TestImports,XTestImports", module+"/...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("reading go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// TestLayers fails on any project import that the graph does not allow,
// and on a package the graph does not know.
func TestLayers(t *testing.T) {
	for _, p := range listPackages(t) {
		if _, known := allowedImport(p.ImportPath, module); !known {
			t.Errorf("%s is not in the import graph of cmd/mc/layers_test.go: add it with the project packages it may import (docs/design.md §1.1)", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if ok, _ := allowedImport(p.ImportPath, imp); !ok {
				t.Errorf("%s imports %s: not allowed by the layers of docs/design.md §1.1 (allowed: %v)", p.ImportPath, imp, importGraph[rel(p.ImportPath)])
			}
		}
	}
}

// TestEngineWithoutParquet fails when the engine reaches the Parquet layer
// through any chain of imports, or imports it in its tests.
func TestEngineWithoutParquet(t *testing.T) {
	for _, p := range listPackages(t) {
		if !slices.Contains(enginePackages, rel(p.ImportPath)) {
			continue
		}
		var reached []string
		for _, list := range [][]string{p.Deps, p.TestImports, p.XTestImports} {
			for _, d := range list {
				for _, bad := range engineForbidden {
					if strings.HasPrefix(d, bad) && !slices.Contains(reached, d) {
						reached = append(reached, d)
					}
				}
			}
		}
		if len(reached) > 0 {
			slices.Sort(reached)
			t.Errorf("engine package %s depends on the Parquet layer (%s): the engine hands out replicates, montecarlo/batch writes them", p.ImportPath, strings.Join(reached, ", "))
		}
	}
}

func TestAllowedImportTable(t *testing.T) {
	for _, c := range []struct {
		pkg, imp string
		ok       bool
	}{
		{"space", "agents", false},
		{"agents", "space", true},
		{"montecarlo", "agents", true},
		{"montecarlo", "montecarlo/results", false},
		{"montecarlo", "montecarlo/batch", false},
		{"montecarlo", "montecarlo/modelfile", false},
		{"agents", "montecarlo", false},
		{"montecarlo/modelfile", "montecarlo", true},
		{"montecarlo/modelfile", "montecarlo/results", false},
		{"montecarlo/validate", "montecarlo/batch", false},
		{"montecarlo/batch", "montecarlo/results", true},
		{"montecarlo/results", "montecarlo", false},
		{"analysis", "montecarlo", false},
		{"analysis", "montecarlo/modelfile", false},
		{"analysis", "montecarlo/results", true},
		{"analysis/figure", "analysis", true},
		{"analysis", "analysis/figure", false},
		{"cmd/mc", "analysis", true},
		{"benchmarks", "montecarlo/results", true},
		{"montecarlo/results", "montecarlo/atomicfile", true},
		{"montecarlo/atomicfile", "montecarlo/results", false},
		{"space", "montecarlo", false},
	} {
		if got, _ := allowedImport(module+"/"+c.pkg, module+"/"+c.imp); got != c.ok {
			t.Errorf("%s → %s: allowed = %v, want %v", c.pkg, c.imp, got, c.ok)
		}
	}
	if _, known := allowedImport(module+"/newpkg", module+"/space"); known {
		t.Error("an unknown package is reported as known")
	}
}
