package modelfile

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/reuptake/reuptake/montecarlo"
)

//go:embed presets/*.yaml
var presetFS embed.FS

// DefaultPreset is the model run when none is given: a CA1 glutamatergic
// synapse with AMPA receptors and GLT-1 transporters.
const DefaultPreset = "glutamate-ca1"

// Presets lists the names of the built-in models, sorted.
func Presets() []string {
	ents, _ := fs.ReadDir(presetFS, "presets")
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Preset returns the YAML text of a built-in model. An unknown name is an
// error listing the names.
func Preset(name string) ([]byte, error) {
	n := strings.TrimSuffix(name, ".yaml")
	if !slices.Contains(Presets(), n) {
		return nil, fmt.Errorf("no preset %q%s (presets: %s)", name, suggest(n, Presets()), quoteList(Presets()))
	}
	return presetFS.ReadFile("presets/" + n + ".yaml")
}

// LoadPreset parses and compiles a built-in model with overrides. Errors
// name the file as "NAME.yaml".
func LoadPreset(name string, overrides ...string) (*montecarlo.Model, error) {
	data, err := Preset(name)
	if err != nil {
		return nil, err
	}
	return LoadBytes(strings.TrimSuffix(name, ".yaml")+".yaml", data, overrides...)
}
