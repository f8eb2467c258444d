package view_test

import (
	"fmt"
	"io"

	"github.com/reuptake/reuptake/cmd/mc/internal/view"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// The default preset's membranes, merged into rectangles by region, as
// mc export geometry writes them.
func ExampleWriteGeometry() {
	m, err := modelfile.LoadPreset("glutamate-ca1")
	if err != nil {
		panic(err)
	}
	s, err := view.FromModel(m, "glutamate-ca1", "preset:glutamate-ca1", m.Spec.Run.Seed, 0)
	if err != nil {
		panic(err)
	}
	names, err := view.WriteGeometry(io.Discard, s, "obj", false)
	if err != nil {
		panic(err)
	}
	fmt.Println(names)
	// Output: [lateral peri post psd pre]
}
