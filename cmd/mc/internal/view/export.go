package view

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// GeometryFormats lists the geometry export formats.
func GeometryFormats() []string { return []string{"vtk", "ply", "obj"} }

// SnapshotFormats lists the snapshot export formats.
func SnapshotFormats() []string { return []string{"vtk", "xyz"} }

// WriteGeometry writes the membrane surfaces of s (and, with boundaries,
// the absorbing and reflecting boundaries) in format "vtk" (legacy VTK
// polydata with a cell scalar "region"), "ply" (ASCII, a face property
// "region") or "obj" (one group per region). Coordinates are µm. The
// region numbers index the returned names.
func WriteGeometry(w io.Writer, s *Scene, format string, boundaries bool) (names []string, err error) {
	var surfs []SurfaceData
	for _, sf := range s.Surfaces {
		if sf.Kind == KindMembrane || boundaries {
			surfs = append(surfs, sf)
			names = append(names, sf.Name)
		}
	}
	nq := 0
	for _, sf := range surfs {
		nq += len(sf.Normals)
	}
	bw := bufio.NewWriter(w)
	f := func(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }
	vertices := func(prefix string) {
		for _, sf := range surfs {
			for i := 0; i+2 < len(sf.Quads); i += 3 {
				fmt.Fprintf(bw, "%s%s %s %s\n", prefix, f(sf.Quads[i]), f(sf.Quads[i+1]), f(sf.Quads[i+2]))
			}
		}
	}
	switch format {
	case "obj":
		fmt.Fprintf(bw, "# reuptake mc export geometry: %s\n# units: um; one group per membrane region; %d quads\n", s.Title, nq)
		vertices("v ")
		base := 1
		for _, sf := range surfs {
			fmt.Fprintf(bw, "g %s\n", objName(sf.Name))
			for q := range sf.Normals {
				a := base + 4*q
				fmt.Fprintf(bw, "f %d %d %d %d\n", a, a+1, a+2, a+3)
			}
			base += 4 * len(sf.Normals)
		}
	case "ply":
		fmt.Fprintf(bw, "ply\nformat ascii 1.0\ncomment reuptake mc export geometry: %s\ncomment units: um\n", s.Title)
		for r, n := range names {
			fmt.Fprintf(bw, "comment region %d %s\n", r, n)
		}
		fmt.Fprintf(bw, "element vertex %d\nproperty float x\nproperty float y\nproperty float z\n", 4*nq)
		fmt.Fprintf(bw, "element face %d\nproperty list uchar int vertex_indices\nproperty uchar region\nend_header\n", nq)
		vertices("")
		base := 0
		for r, sf := range surfs {
			for q := range sf.Normals {
				a := base + 4*q
				fmt.Fprintf(bw, "4 %d %d %d %d %d\n", a, a+1, a+2, a+3, r)
			}
			base += 4 * len(sf.Normals)
		}
	case "vtk":
		fmt.Fprintf(bw, "# vtk DataFile Version 3.0\n%s\nASCII\nDATASET POLYDATA\nPOINTS %d float\n", vtkTitle("reuptake geometry (um), region: "+joinNames(names)), 4*nq)
		vertices("")
		fmt.Fprintf(bw, "POLYGONS %d %d\n", nq, 5*nq)
		for a := 0; a < 4*nq; a += 4 {
			fmt.Fprintf(bw, "4 %d %d %d %d\n", a, a+1, a+2, a+3)
		}
		fmt.Fprintf(bw, "CELL_DATA %d\nSCALARS region int 1\nLOOKUP_TABLE default\n", nq)
		for r, sf := range surfs {
			for range sf.Normals {
				fmt.Fprintf(bw, "%d\n", r)
			}
		}
	default:
		return nil, fmt.Errorf("unknown geometry format %q (want vtk, ply or obj)", format)
	}
	return names, bw.Flush()
}

// WriteXYZ writes the molecules of every frame of s.Run as a multi-frame
// XYZ file (VMD, OVITO): per frame the count, a comment line with the
// time, then "species x y z" with coordinates in nm.
func WriteXYZ(w io.Writer, s *Scene) error {
	rd := s.Run
	bw := bufio.NewWriter(w)
	for fi, t := range rd.TimesMS {
		a, b := rd.MolStart[fi], rd.MolStart[fi+1]
		fmt.Fprintf(bw, "%d\nt_ms=%g units=nm condition=%s replicate=%d\n", b-a, t, rd.Condition, rd.Replicate)
		for i := a; i < b; i++ {
			fmt.Fprintf(bw, "%s %.2f %.2f %.2f\n", s.Species[rd.MolSpecies[i]], rd.MolPos[3*i]*1000, rd.MolPos[3*i+1]*1000, rd.MolPos[3*i+2]*1000)
		}
	}
	return bw.Flush()
}

// WriteVTKFrame writes the molecules of frame fi of s.Run as legacy VTK
// polydata points (µm) with a point scalar "species" (index into
// s.Species, named in the title line).
func WriteVTKFrame(w io.Writer, s *Scene, fi int) error {
	rd := s.Run
	a, b := int(rd.MolStart[fi]), int(rd.MolStart[fi+1])
	n := b - a
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# vtk DataFile Version 3.0\n%s\nASCII\nDATASET POLYDATA\nPOINTS %d float\n",
		vtkTitle(fmt.Sprintf("reuptake snapshot t_ms=%g (um), species: %s", rd.TimesMS[fi], joinNames(s.Species))), n)
	for i := a; i < b; i++ {
		fmt.Fprintf(bw, "%g %g %g\n", rd.MolPos[3*i], rd.MolPos[3*i+1], rd.MolPos[3*i+2])
	}
	fmt.Fprintf(bw, "VERTICES %d %d\n", n, 2*n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(bw, "1 %d\n", i)
	}
	fmt.Fprintf(bw, "POINT_DATA %d\nSCALARS species int 1\nLOOKUP_TABLE default\n", n)
	for i := a; i < b; i++ {
		fmt.Fprintf(bw, "%d\n", rd.MolSpecies[i])
	}
	return bw.Flush()
}

// SeriesEntry is one file of a ParaView ".vtk.series" file.
type SeriesEntry struct {
	Name string  `json:"name"`
	Time float64 `json:"time"`
}

// WriteSeries writes a ParaView file series index (JSON) of the frames.
func WriteSeries(w io.Writer, files []SeriesEntry) error {
	return json.NewEncoder(w).Encode(struct {
		Version string        `json:"file-series-version"`
		Files   []SeriesEntry `json:"files"`
	}{"1.0", files})
}

func joinNames(n []string) string {
	out := ""
	for i, s := range n {
		if i > 0 {
			out += " "
		}
		out += strconv.Itoa(i) + "=" + s
	}
	return out
}

// vtkTitle fits a legacy VTK title line: one line of at most 255 bytes.
func vtkTitle(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	if len(b) > 255 {
		b = b[:255]
	}
	return string(b)
}

// objName makes a region name usable as an OBJ group name (no spaces).
func objName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == ' ' || c == '\t' {
			b[i] = '_'
		}
	}
	return string(b)
}
