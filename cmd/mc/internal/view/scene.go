// Package view builds what mc view draws and mc export writes: the
// geometry of a compiled model (membrane tiles merged into rectangles by
// region, absorbing and reflecting boundaries), its sites, release points
// and probes, and the molecules and site states of a run's snapshots; and
// renders it as one self-contained HTML page (three.js bundled and
// embedded) or as VTK, PLY, OBJ and XYZ files.
//
// It lives under cmd/mc because it needs both the engine (to compile a
// model's geometry and place its sites) and the results tables, which the
// analysis layer may not combine (cmd/mc/layers_test.go).
package view

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// Scene is everything the viewer draws. Bulk arrays are marshalled as
// base64 of little-endian binary (F32, U32, []byte), not as JSON numbers.
type Scene struct {
	Title    string     `json:"title"`
	Source   string     `json:"source"`   // the model file, preset or run directory
	Geometry string     `json:"geometry"` // cleft, box or mask
	Voxel    float64    `json:"voxel"`    // µm
	Min      [3]float64 `json:"min"`      // low corner of the grid, µm
	Max      [3]float64 `json:"max"`      // high corner of the grid, µm
	Focus    Focus      `json:"focus"`
	Section  Section    `json:"section"`

	Surfaces []SurfaceData `json:"surfaces"`
	Species  []string      `json:"species"`

	SiteTypes []SiteType `json:"siteTypes"`
	SitePos   F32        `json:"sitePos"`   // 3 per site, µm
	SiteType  []byte     `json:"siteType"`  // index into SiteTypes
	SiteState []byte     `json:"siteState"` // initial state, index into SiteTypes[t].States
	SitesNote string     `json:"sitesNote"`

	Releases []Point  `json:"releases"`
	Probes   []Probe  `json:"probes"`
	Notes    []string `json:"notes"`

	Run *RunData `json:"run,omitempty"`
}

// Focus is the sphere the camera frames on first load.
type Focus struct {
	Center [3]float64 `json:"center"`
	Radius float64    `json:"radius"`
}

// Section is the clipping plane on first load: geometry on the far side
// of Pos along Axis (0, 1, 2 for x, y, z) is hidden (above Pos when Keep
// is "below").
type Section struct {
	On   bool    `json:"on"`
	Axis int     `json:"axis"`
	Pos  float64 `json:"pos"`
	Keep string  `json:"keep"` // "below" or "above"
	Why  string  `json:"why"`
}

// SurfaceData is a Surface as the page receives it.
type SurfaceData struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Quads   F32    `json:"quads"`
	Normals []byte `json:"normals"`
	Tiles   int    `json:"tiles"`
}

// SiteType is a site type, the names of its states, the index of its
// scheme's initial state and which states conduct (an open channel).
type SiteType struct {
	Name       string   `json:"name"`
	States     []string `json:"states"`
	Initial    int      `json:"initial"`
	Conducting []bool   `json:"conducting"`
}

// Point is a labelled point (a release site), µm.
type Point struct {
	Label string     `json:"label"`
	At    [3]float64 `json:"at"`
}

// Probe is a spherical concentration probe.
type Probe struct {
	Name   string     `json:"name"`
	At     [3]float64 `json:"at"`
	Radius float64    `json:"radius"`
}

// F32 is a float32 array marshalled as base64 of its little-endian bytes.
type F32 []float32

// MarshalJSON encodes f as a base64 string.
func (f F32) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*len(f))
	for i, x := range f {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// U32 is a uint32 array marshalled as base64 of its little-endian bytes.
type U32 []uint32

// MarshalJSON encodes u as a base64 string.
func (u U32) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*len(u))
	for i, x := range u {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// maxIndex is the most site types, states per type or species the page
// indexes with one byte.
const maxIndex = 255

// FromModel builds the scene of a compiled model: its geometry, and the
// sites and release points of replicate rep of a run with the given seed
// (sites are placed anew for each replicate).
func FromModel(m *montecarlo.Model, title, source string, seed uint64, rep int) (*Scene, error) {
	g := m.Grid
	s := &Scene{Title: title, Source: source, Geometry: m.Spec.Geometry.Kind, Voxel: g.H, Min: g.Origin, Species: m.Species()}
	for a := 0; a < 3; a++ {
		s.Max[a] = g.Origin[a] + float64(g.N[a])*g.H
	}
	for _, sf := range Surfaces(g) {
		s.Surfaces = append(s.Surfaces, SurfaceData{Name: sf.Name, Kind: sf.Kind, Quads: sf.Quads, Normals: sf.Normals, Tiles: sf.Tiles})
	}
	names := m.SiteTypeNames()
	if len(names) > maxIndex || len(s.Species) > maxIndex {
		return nil, fmt.Errorf("view: %d site types and %d species; the viewer draws at most %d of each", len(names), len(s.Species), maxIndex)
	}
	for ty, n := range names {
		st := m.SiteStates(ty)
		if len(st) > maxIndex {
			return nil, fmt.Errorf("view: site type %s has %d states; the viewer draws at most %d", n, len(st), maxIndex)
		}
		t := SiteType{Name: n, States: st, Conducting: make([]bool, len(st))}
		for _, spec := range m.Spec.SiteTypes {
			if spec.Name != n {
				continue
			}
			for j, name := range st {
				t.Conducting[j] = slices.Contains(spec.Scheme.Conducting, name)
				if name == spec.Scheme.Initial {
					t.Initial = j
				}
			}
		}
		s.SiteTypes = append(s.SiteTypes, t)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, rep)
	sites := e.Sites()
	s.SitePos = make(F32, 0, 3*len(sites))
	for _, si := range sites {
		p := SitePosition(g, si)
		s.SitePos = append(s.SitePos, float32(p[0]), float32(p[1]), float32(p[2]))
		s.SiteType = append(s.SiteType, byte(si.Type))
		s.SiteState = append(s.SiteState, byte(si.State))
	}
	if len(sites) > 0 {
		s.SitesNote = fmt.Sprintf("sites as placed for replicate %d of seed %d (each replicate draws its own)", rep, seed)
	}
	for _, r := range e.ReleasePoints() {
		s.Releases = append(s.Releases, Point{Label: "release " + r.Species, At: r.At})
	}
	for i, o := range m.Spec.Observables {
		if o.Kind != "concentration_at" {
			continue
		}
		name := o.Name
		if name == "" {
			name = fmt.Sprintf("observables[%d] %s", i, o.Species)
		}
		s.Probes = append(s.Probes, Probe{Name: name, At: o.At, Radius: o.Radius})
	}
	s.Focus, s.Section = framing(m, s)
	return s, nil
}

// SitePosition is where a site sits: the centre of its membrane tile, or
// the centre of its voxel for a volume site.
func SitePosition(g *space.Grid, si montecarlo.SiteInfo) [3]float64 {
	if si.Tile >= 0 {
		return g.Tiles()[si.Tile].Centre
	}
	i, j, k := g.Coords(si.Voxel)
	return g.Center(i, j, k)
}

// framing chooses the camera's sphere and the first section: for a cleft,
// the synapse, cut just below the presynaptic membrane so that the
// postsynaptic face, its sites and the cleft's molecules show from above;
// otherwise the whole grid, cut at the height of a single release point.
func framing(m *montecarlo.Model, s *Scene) (Focus, Section) {
	if m.Spec.Geometry.Kind == "cleft" {
		c := m.Spec.Geometry.Cleft
		return Focus{Radius: 1.15 * c.MembraneRadius},
			Section{On: true, Axis: 2, Pos: c.Width/2 - c.Voxel/4, Keep: "below",
				Why: "the presynaptic side is cut away to show the cleft"}
	}
	var f Focus
	r := 0.0
	for a := 0; a < 3; a++ {
		f.Center[a] = (s.Min[a] + s.Max[a]) / 2
		r += (s.Max[a] - s.Min[a]) * (s.Max[a] - s.Min[a])
	}
	f.Radius = math.Sqrt(r) / 2
	if len(s.Releases) == 1 {
		// One release point, usually just inside a presynaptic face: cut
		// there, so that what it releases into shows from above.
		return f, Section{On: true, Axis: 2, Pos: s.Releases[0].At[2], Keep: "below",
			Why: "cut at the height of the release point to show the space it releases into"}
	}
	return f, Section{Axis: 2, Pos: f.Center[2], Keep: "below"}
}
