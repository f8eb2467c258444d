package space

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// This file builds a geometry from a voxel mask: a 3-D label volume (for
// example a segmented electron-microscopy reconstruction) stored as a NumPy
// .npy array of uint8 or uint16, with a table saying what each label is.
//
// Axis convention: array element [i][j][k] (NumPy index order, whatever
// the storage order) is the voxel whose low corner is
// Origin + (i, j, k)·Voxel, so the first array axis is x, the second y and
// the third z.

// npyMagic opens every .npy file.
const npyMagic = "\x93NUMPY"

// ReadNPY reads a NumPy .npy file (format version 1.0, 2.0 or 3.0) holding
// a 3-D array of uint8 ('|u1') or little-endian uint16 ('<u2') labels. It
// returns the shape and the labels in C order: element [i][j][k] is
// data[(i*shape[1]+j)*shape[2]+k]. Fortran-ordered arrays are reordered.
// It refuses, before reading the data, an array whose voxel grid would need
// more than MaxGridBytes (see EstimateBytes), and a file whose data is
// shorter or longer than the shape implies.
func ReadNPY(r io.Reader) (shape [3]int, data []uint16, err error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return shape, nil, errors.New("npy: not a NumPy .npy file (too short for the header)")
	}
	if string(pre[:6]) != npyMagic {
		return shape, nil, errors.New("npy: not a NumPy .npy file (bad magic; save the mask with numpy.save)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return shape, nil, errors.New("npy: truncated header")
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return shape, nil, errors.New("npy: truncated header")
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return shape, nil, fmt.Errorf("npy: unsupported format version %d.%d (want 1.0, 2.0 or 3.0)", pre[6], pre[7])
	}
	if hlen > 1<<20 {
		return shape, nil, fmt.Errorf("npy: header of %d bytes is implausibly long", hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return shape, nil, errors.New("npy: truncated header")
	}
	descr, fortran, dims, err := parseNPYHeader(string(hdr))
	if err != nil {
		return shape, nil, err
	}
	var size int
	switch descr {
	case "|u1", "<u1", "u1":
		size = 1
	case "<u2":
		size = 2
	case ">u2":
		return shape, nil, errors.New("npy: big-endian uint16 ('>u2') is not supported; save with dtype '<u2' (numpy: mask.astype('<u2'))")
	default:
		return shape, nil, fmt.Errorf("npy: dtype %q is not supported; labels must be uint8 ('|u1') or uint16 ('<u2')", descr)
	}
	if len(dims) != 3 {
		return shape, nil, fmt.Errorf("npy: the mask must be a 3-D array, got %d-D shape %v", len(dims), dims)
	}
	total := int64(1)
	for a, n := range dims {
		if n <= 0 {
			return shape, nil, fmt.Errorf("npy: the mask has no voxels along axis %d (shape %v)", a, dims)
		}
		if n > 1<<20 {
			return shape, nil, fmt.Errorf("npy: %d voxels along axis %d is too many", n, a)
		}
		shape[a] = int(n)
		total *= n
	}
	if b := EstimateBytes(shape); b > MaxGridBytes {
		return shape, nil, fmt.Errorf("npy: a %d×%d×%d mask needs about %.1f GiB as a voxel grid, more than the %.0f GiB allowed; downsample or crop it",
			shape[0], shape[1], shape[2], float64(b)/(1<<30), float64(MaxGridBytes)/(1<<30))
	}
	want := total * int64(size)
	// Read incrementally, so that a short file with a huge declared
	// shape does not allocate the whole array.
	raw, err := io.ReadAll(io.LimitReader(r, want+1))
	if err != nil {
		return shape, nil, fmt.Errorf("npy: reading the data: %v", err)
	}
	if int64(len(raw)) != want {
		if int64(len(raw)) > want {
			return shape, nil, fmt.Errorf("npy: the file holds more data than its %d×%d×%d %s shape implies (%d bytes)", shape[0], shape[1], shape[2], descr, want)
		}
		return shape, nil, fmt.Errorf("npy: the data is %d bytes, but a %d×%d×%d %s array needs %d; the file is truncated or its shape is wrong", len(raw), shape[0], shape[1], shape[2], descr, want)
	}
	data = make([]uint16, total)
	for q := range data {
		if size == 1 {
			data[q] = uint16(raw[q])
		} else {
			data[q] = binary.LittleEndian.Uint16(raw[2*q:])
		}
	}
	if fortran {
		c := make([]uint16, total)
		n0, n1, n2 := shape[0], shape[1], shape[2]
		q := 0
		for k := 0; k < n2; k++ {
			for j := 0; j < n1; j++ {
				for i := 0; i < n0; i++ {
					c[(i*n1+j)*n2+k] = data[q]
					q++
				}
			}
		}
		data = c
	}
	return shape, data, nil
}

// ReadNPYFile reads the .npy file at path (see ReadNPY).
func ReadNPYFile(path string) (shape [3]int, data []uint16, err error) {
	// Refuse devices and pipes before opening them (opening a FIFO blocks).
	if st, err := os.Stat(path); err != nil {
		return shape, nil, err
	} else if !st.Mode().IsRegular() {
		return shape, nil, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return shape, nil, err
	}
	defer f.Close()
	shape, data, err = ReadNPY(f)
	if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
	}
	return shape, data, err
}

// WriteNPY writes a 3-D C-ordered array as a version 1.0 .npy file, as
// uint8 when every label fits and as '<u2' otherwise.
func WriteNPY(w io.Writer, shape [3]int, data []uint16) error {
	if len(data) != shape[0]*shape[1]*shape[2] {
		return fmt.Errorf("npy: %d labels do not fill a %v array", len(data), shape)
	}
	descr, size := "|u1", 1
	for _, v := range data {
		if v > 255 {
			descr, size = "<u2", 2
			break
		}
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d, %d), }", descr, shape[0], shape[1], shape[2])
	pad := 64 - (10+len(h)+1)%64
	if pad == 64 {
		pad = 0
	}
	h += strings.Repeat(" ", pad) + "\n"
	var buf bytes.Buffer
	buf.WriteString(npyMagic)
	buf.Write([]byte{1, 0})
	binary.Write(&buf, binary.LittleEndian, uint16(len(h)))
	buf.WriteString(h)
	for _, v := range data {
		if size == 1 {
			buf.WriteByte(byte(v))
		} else {
			binary.Write(&buf, binary.LittleEndian, v)
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// parseNPYHeader reads the Python dict literal of a .npy header:
// {'descr': '<u2', 'fortran_order': False, 'shape': (3, 4, 5), }.
func parseNPYHeader(h string) (descr string, fortran bool, shape []int64, err error) {
	bad := func(why string) error { return fmt.Errorf("npy: malformed header (%s): %.100q", why, h) }
	s := strings.TrimSpace(h)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return "", false, nil, bad("not a dict")
	}
	s = s[1 : len(s)-1]
	seen := map[string]bool{}
	for {
		s = strings.TrimLeft(s, " \t\n,")
		if s == "" {
			break
		}
		key, rest, ok := pyString(s)
		if !ok {
			return "", false, nil, bad("expected a quoted key")
		}
		rest = strings.TrimLeft(rest, " \t\n")
		if !strings.HasPrefix(rest, ":") {
			return "", false, nil, bad("expected ':' after " + key)
		}
		rest = strings.TrimLeft(rest[1:], " \t\n")
		if seen[key] {
			return "", false, nil, bad(key + " given twice")
		}
		seen[key] = true
		switch key {
		case "descr":
			v, r2, ok := pyString(rest)
			if !ok {
				return "", false, nil, bad("descr must be a string (structured dtypes are not supported)")
			}
			descr, rest = v, r2
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "True"):
				fortran, rest = true, rest[4:]
			case strings.HasPrefix(rest, "False"):
				fortran, rest = false, rest[5:]
			default:
				return "", false, nil, bad("fortran_order must be True or False")
			}
		case "shape":
			if !strings.HasPrefix(rest, "(") {
				return "", false, nil, bad("shape must be a tuple")
			}
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return "", false, nil, bad("unclosed shape")
			}
			for _, f := range strings.Split(rest[1:end], ",") {
				f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "L"))
				if f == "" {
					continue
				}
				n, err := strconv.ParseInt(f, 10, 64)
				if err != nil || n < 0 {
					return "", false, nil, bad("shape entries must be non-negative integers")
				}
				shape = append(shape, n)
			}
			if shape == nil {
				shape = []int64{}
			}
			rest = rest[end+1:]
		default:
			return "", false, nil, bad("unknown key " + key)
		}
		s = rest
		t := strings.TrimLeft(s, " \t\n")
		if t != "" && t[0] != ',' {
			return "", false, nil, bad("expected ',' between entries")
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return "", false, nil, bad("no " + k)
		}
	}
	return descr, fortran, shape, nil
}

// pyString reads a single- or double-quoted Python string without escapes.
func pyString(s string) (val, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", s, false
	}
	return s[1 : 1+end], s[2+end:], true
}

// MaskSpec describes a geometry given as a voxel mask.
type MaskSpec struct {
	// Path is the .npy file (for messages, and for loaders that read it).
	Path string
	// Voxel is the voxel edge length, µm.
	Voxel float64
	// Origin is the position of the low corner of voxel [0][0][0], µm.
	Origin [3]float64
	// Labels says what each label value of the mask is. Every value that
	// occurs in the mask must be listed.
	Labels map[int]MaskLabel
}

// MaskLabel is what the voxels of one label are.
type MaskLabel struct {
	// Kind: Free (extracellular space), Wall (cell interior, glia) or
	// Sink (absorbing).
	Kind Kind
	// Region is the volume region of the voxels of a Free label; default
	// MaskDefaultRegion.
	Region string
	// Membrane names the membrane region of tiles. On a Wall label it
	// names the faces that free voxels share with it (e.g. "glia"); on a
	// Free label it overrides that for every face of its voxels. Tiles
	// whose labels name none are in MaskDefaultMembrane.
	Membrane string
}

// Default region names of mask geometries.
const (
	MaskDefaultRegion   = "extracellular"
	MaskDefaultMembrane = "membrane"
)

// Validate checks the label table and voxel size (not the data).
func (s MaskSpec) Validate() error {
	if !(s.Voxel > 0) || math.IsInf(s.Voxel, 0) {
		return fmt.Errorf("mask voxel size must be a positive length (µm), got %v", s.Voxel)
	}
	for _, o := range s.Origin {
		if math.IsNaN(o) || math.IsInf(o, 0) {
			return fmt.Errorf("mask origin must be finite, got %v", s.Origin)
		}
	}
	if len(s.Labels) == 0 {
		return errors.New("mask labels are missing: list what each label value is")
	}
	for _, l := range s.sortedLabels() {
		ml := s.Labels[l]
		switch {
		case l < 0 || l > math.MaxUint16:
			return fmt.Errorf("mask label %d is out of range (0 to 65535)", l)
		case ml.Kind > Sink:
			return fmt.Errorf("mask label %d has an unknown kind %v", l, ml.Kind)
		case ml.Kind != Free && ml.Region != "":
			return fmt.Errorf("mask label %d is %v: only free labels take a volume region (got %q)", l, ml.Kind, ml.Region)
		case ml.Kind == Sink && ml.Membrane != "":
			return fmt.Errorf("mask label %d is a sink: it has no membrane (got %q)", l, ml.Membrane)
		}
	}
	return nil
}

func (s MaskSpec) sortedLabels() []int {
	out := make([]int, 0, len(s.Labels))
	for l := range s.Labels {
		out = append(out, l)
	}
	sort.Ints(out)
	return out
}

// Mask builds the geometry of a voxel mask: shape and data as ReadNPY
// returns them (C order, element [i][j][k] is voxel (i, j, k) along x, y,
// z). Each voxel takes the kind of its label and free voxels the label's
// volume region; the membrane tiles (faces between free and wall voxels)
// are named by the free label's Membrane if it has one, otherwise by the
// wall label's, otherwise MaskDefaultMembrane. The outside of the grid
// reflects; label the outer layer as a sink for an absorbing boundary.
func Mask(spec MaskSpec, shape [3]int, data []uint16) (*Grid, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("space: %w", err)
	}
	for a, n := range shape {
		if n <= 0 {
			return nil, fmt.Errorf("space: mask shape %v has no voxels along %c", shape, "xyz"[a])
		}
	}
	if int64(len(data)) != int64(shape[0])*int64(shape[1])*int64(shape[2]) {
		return nil, fmt.Errorf("space: mask data holds %d voxels, but its shape %d×%d×%d needs %d", len(data), shape[0], shape[1], shape[2], shape[0]*shape[1]*shape[2])
	}
	var table [math.MaxUint16 + 1]int16 // label → index into labels, or -1
	for q := range table {
		table[q] = -1
	}
	labels := spec.sortedLabels()
	for q, l := range labels {
		table[l] = int16(q)
	}
	if len(labels) > math.MaxInt16 {
		return nil, errors.New("space: too many mask labels")
	}
	b, err := NewBuilder(spec.Origin, spec.Voxel, shape)
	if err != nil {
		return nil, err
	}
	n0, n1, n2 := shape[0], shape[1], shape[2]
	free := 0
	for i := 0; i < n0; i++ {
		for j := 0; j < n1; j++ {
			for k := 0; k < n2; k++ {
				l := data[(i*n1+j)*n2+k]
				if table[l] < 0 {
					return nil, fmt.Errorf("space: the mask holds label %d (first at voxel [%d][%d][%d]), which the labels do not list (listed: %s)", l, i, j, k, joinInts(labels))
				}
				ml := spec.Labels[int(l)]
				b.Set(i, j, k, ml.Kind)
				if ml.Kind == Free {
					free++
					r := ml.Region
					if r == "" {
						r = MaskDefaultRegion
					}
					b.SetRegion(i, j, k, r)
				}
			}
		}
	}
	if free == 0 {
		return nil, errors.New("space: the mask has no free (extracellular) voxels")
	}
	g := b.Grid()
	labelAt := func(v int) MaskLabel {
		i, j, k := g.Coords(v)
		return spec.Labels[int(data[(i*n1+j)*n2+k])]
	}
	b.TileRegion(func(v, dir int, _ [3]float64) string {
		if m := labelAt(v).Membrane; m != "" {
			return m
		}
		i, j, k := g.Coords(v)
		ni, nj, nk := neighbour(i, j, k, dir)
		if m := labelAt(g.Index(ni, nj, nk)).Membrane; m != "" {
			return m
		}
		return MaskDefaultMembrane
	})
	return b.Build()
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for q, x := range v {
		s[q] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}
