package modelfile

import (
	"strings"
	"testing"
)

const volumeModel = `name: volume
geometry:
  kind: box
  voxel: 0.5 um
  size: [10 um, 10 um, 10 um]
regions:
  - name: box
    volume_fraction: 0.21
    tortuosity: 1.54
species:
  - name: da
    D: 0.763 um^2/ms
release:
  - species: da
    sites:
      lattice: {spacing: 2 um}
    train: {start: 0 ms, frequency: 4 Hz, count: 2}
    probability: 0.06
    molecules: 3000
    pore: {duration: 200 us}
  - species: da
    sites:
      density: 0.104 /um^3
      box: {min: [0 um, 0 um, 0 um], max: [10 um, 10 um, 5 um]}
    spontaneous: {rate: 0.1 /s}
    molecules: 3000
observables:
  - {kind: concentration_at, species: da, at: [5 um, 5 um, 5 um], radius: 0.25 um, name: c_centre}
  - {kind: concentration_at, species: da, at: [1 um, 1 um, 1 um], radius: 250 nm}
run:
  dt: 10 us
  duration: 1 ms
  sample_interval: 0.1 ms
`

func TestReleaseSitesModelFile(t *testing.T) {
	m, err := LoadBytes("volume.yaml", []byte(volumeModel))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Spec
	if r := s.Releases[0]; r.Sites == nil || r.Sites.Lattice != 2 || r.Pore != 0.2 || len(r.Times) != 2 || r.Times[1] != 250 || r.Probability != 0.06 {
		t.Errorf("release[0] = %+v, sites %+v", r, r.Sites)
	}
	if r := s.Releases[1]; r.Sites == nil || r.Sites.Density != 0.104 || !r.Sites.Box || r.Sites.Max[2] != 5 || r.Spontaneous != 1e-4 {
		t.Errorf("release[1] = %+v, sites %+v", r, r.Sites)
	}
	if m.Column("c_centre") < 0 || m.Column("conc_da_at_1_1_1_uM") < 0 {
		t.Errorf("probe columns missing: %v", m.Columns())
	}
}

func TestReleaseSitesModelFileErrors(t *testing.T) {
	for _, c := range []struct{ old, new, want string }{
		{"      lattice: {spacing: 2 um}", "      lattice: {spacing: 2 um}\n      region: nowhere", `volume.yaml:17:15: release[0].sites.region`},
		{"max: [10 um, 10 um, 5 um]", "max: [10 um, 10 um, -5 um]", `volume.yaml:24:12: release[1].sites.box`},
		{"at: [5 um, 5 um, 5 um]", "at: [50 um, 5 um, 5 um]", `volume.yaml:28:47: observables[0].at`},
		{"lattice: {spacing: 2 um}", "lattice: {spacing: 2 s}", `volume.yaml:16:26: release[0].sites.lattice.spacing`},
		{"    spontaneous: {rate: 0.1 /s}", "    spontaneous: {rate: 0.1 /s}\n    at: [1 um, 1 um, 1 um]", "release[1].at"},
	} {
		src := strings.Replace(volumeModel, c.old, c.new, 1)
		_, err := LoadBytes("volume.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: got %v, want %s", c.old, c.new, err, c.want)
		}
	}
}
