package modelfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// maskGeometry decodes the fields of a kind: mask geometry and reads its
// .npy file (relative to the model file's directory), so that a missing,
// malformed or mismatched mask is reported at the file's position before
// anything runs.
func (d *decoder) maskGeometry(fs *fields, g *montecarlo.GeometrySpec) {
	m := &g.Mask
	if v, ok := d.qty(fs, "voxel", Length, positive, true); ok {
		m.Voxel = v
	}
	if of, ok := fs.m["origin"]; ok {
		if items, ok := d.seq(of); ok {
			if len(items) != 3 {
				d.errf(of.val, of.path, "must be three lengths [x, y, z], got %d", len(items))
			} else {
				for i, it := range items {
					if v, ok := d.quantity(field{val: it, path: index(of.path, i)}, Length, anySign); ok {
						m.Origin[i] = v
					}
				}
			}
		}
	}
	var want [3]int
	sf, hasShape := fs.m["shape"]
	if hasShape {
		if items, ok := d.seq(sf); ok {
			if len(items) != 3 {
				d.errf(sf.val, sf.path, "must be three voxel counts [nx, ny, nz], got %d", len(items))
				hasShape = false
			} else {
				for i, it := range items {
					n, err := strconv.Atoi(strings.TrimSpace(it.Value))
					if it.Kind != yaml.ScalarNode || err != nil || n < 1 {
						d.errf(it, index(sf.path, i), "must be a positive whole number of voxels, got %s", kindName(it))
						hasShape = false
						continue
					}
					want[i] = n
				}
			}
		} else {
			hasShape = false
		}
	}
	if lf, ok := fs.m["labels"]; ok {
		m.Labels = d.maskLabels(lf)
	} else {
		d.missing(fs, "labels", "a mapping from each label value to {kind: free|wall|sink, region, membrane}")
	}
	ff, ok := fs.m["file"]
	if !ok {
		d.missing(fs, "file", "the .npy file of the label volume, relative to the model file")
		return
	}
	name, ok := d.scalar(ff)
	if !ok {
		return
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(d.file), path)
	}
	m.Path = path
	shape, data, err := space.ReadNPYFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("mask file %s does not exist (a relative file is read from the model file's directory)", path)
		}
		d.errf(ff.val, ff.path, "%v", err)
		return
	}
	if hasShape && shape != want {
		d.errf(sf.val, sf.path, "the mask %s is %d×%d×%d voxels, not %d×%d×%d", name, shape[0], shape[1], shape[2], want[0], want[1], want[2])
		return
	}
	if m.Labels == nil {
		return
	}
	// Labels that occur in the mask but are not listed.
	var seen [1 << 16]bool
	for _, l := range data {
		seen[l] = true
	}
	var unknown []string
	for l, s := range seen {
		if _, ok := m.Labels[l]; s && !ok {
			unknown = append(unknown, strconv.Itoa(l))
		}
	}
	if len(unknown) > 0 {
		lf := fs.m["labels"]
		d.errf(lf.key, lf.path, "the mask %s holds label(s) %s that labels does not list; give each a kind (free, wall or sink)", name, strings.Join(unknown, ", "))
		return
	}
	g.MaskShape, g.MaskData = shape, data
}

// maskLabels decodes labels: {0: {kind: free, region: cleft}, 1: {kind: wall, membrane: post}, ...}.
func (d *decoder) maskLabels(f field) map[int]space.MaskLabel {
	if f.val.Kind != yaml.MappingNode {
		d.errf(f.val, f.path, "must be a mapping from label values to {kind, region, membrane}; got %s", kindName(f.val))
		return nil
	}
	out := map[int]space.MaskLabel{}
	kinds := []string{"free", "wall", "sink"}
	for i := 0; i+1 < len(f.val.Content); i += 2 {
		k := d.resolve(f.val.Content[i])
		v := d.resolve(f.val.Content[i+1])
		if k == nil || v == nil {
			return out
		}
		p := join(f.path, k.Value)
		l, err := strconv.Atoi(k.Value)
		if k.Kind != yaml.ScalarNode || err != nil || l < 0 || l > 65535 {
			d.errf(k, f.path, "a label must be a whole number from 0 to 65535, got %s", kindName(k))
			continue
		}
		if _, dup := out[l]; dup {
			d.errf(k, p, "label %d is given twice", l)
			continue
		}
		d.record(p, k)
		var ml space.MaskLabel
		if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			// Short form: "3: wall".
			if !slices.Contains(kinds, v.Value) {
				d.errf(v, p, "%q is not one of %s%s", v.Value, quoteList(kinds), suggest(v.Value, kinds))
				continue
			}
			ml.Kind = maskKind(v.Value)
			out[l] = ml
			continue
		}
		fs := d.mapping(v, p, maskLabelKeys)
		kind, ok := d.choice(fs, "kind", kinds, true)
		if !ok {
			continue
		}
		ml.Kind = maskKind(kind)
		if r, ok := d.str(fs, "region", false); ok {
			if ml.Kind != space.Free {
				d.errPath(join(p, "region"), "only free labels have a volume region (label %d is %s)", l, kind)
			}
			ml.Region = r
		}
		if r, ok := d.str(fs, "membrane", false); ok {
			if ml.Kind == space.Sink {
				d.errPath(join(p, "membrane"), "a sink label has no membrane")
			}
			ml.Membrane = r
		}
		out[l] = ml
	}
	return out
}

func maskKind(s string) space.Kind {
	switch s {
	case "wall":
		return space.Wall
	case "sink":
		return space.Sink
	}
	return space.Free
}
