package modelfile_test

import (
	"fmt"

	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

func ExampleLoadPreset() {
	m, err := modelfile.LoadPreset(modelfile.DefaultPreset, "run.duration=1 ms", "run.replicates=4")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Spec.Name, m.Spec.Run.Duration, "ms,", m.Spec.Run.Replicates, "replicates,", m.Steps(), "steps")
	// Output: glutamate-ca1 1 ms, 4 replicates, 10000 steps
}

func ExampleParse() {
	text := `
geometry: {kind: box, voxel: 50 nm, size: [1 um, 1 um, 1 um], absorbing: all}
species:
  - name: glu
    D: 0.33 um^2/ms
release:
  - {species: glu, at: [0.5 um, 0.5 um, 0.5 um], time: 0 ms, molecules: 1000}
run:
  duration: 1 ms
  sample_interval: 10 us
`
	spec, src, err := modelfile.Parse("box.yaml", []byte(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.Species[0].D, "µm²/ms; dt", spec.Run.Dt, "(auto)")
	if _, err := modelfile.Compile(spec, src); err != nil {
		fmt.Println(err)
	}

	// A value without a unit is reported with its position.
	_, _, err = modelfile.Parse("box.yaml", []byte("geometry: {kind: box, voxel: 50, size: 1 um}\n"))
	fmt.Println(err)
	// Output:
	// 0.33 µm²/ms; dt 0 (auto)
	// box.yaml:1:30: geometry.voxel: "50" has no unit: expected a length (e.g. 20 nm, 0.5 um)
	// box.yaml:1:1: species: is required: a list of diffusing species
	// box.yaml:1:1: run: is required: a mapping with duration and sample_interval
}

func ExampleSet() {
	data, _ := modelfile.Preset(modelfile.DefaultPreset)
	spec, src, err := modelfile.Parse("glutamate-ca1.yaml", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, kv := range [][2]string{
		{"species.glu.D_region.cleft", "0.2 um^2/ms"},
		{"placement[1].density", "3000 /um^2"},
		{"sites.glt1.scheme.transitions[0].rate", "2e7 /M/s"},
		{"run.duration", "5 mV"}, // wrong dimension: refused, spec unchanged
	} {
		if err := modelfile.Set(&spec, src, kv[0], kv[1]); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(spec.Species[0].DRegion["cleft"], spec.Placements[1].Density, spec.Run.Duration)
	// Output:
	// --set run.duration=5 mV: run.duration: "5 mV" is a voltage: expected a time (e.g. 0.1 us, 5 ms)
	// 0.2 3000 5
}
