package modelfile

import (
	"slices"
	"strings"

	"github.com/reuptake/reuptake/montecarlo"
	"go.yaml.in/yaml/v3"
)

// The output section:
//
//	output:
//	  events: all                 # or a list: [bind, unbind, transport]
//	  snapshots: {every: 50 us, cap: 1000000}
var (
	outputKeys    = []string{"events", "snapshots"}
	snapshotsKeys = []string{"every", "cap"}
)

func (d *decoder) output(f field) montecarlo.OutputSpec {
	var o montecarlo.OutputSpec
	fs := d.mapping(f.val, f.path, outputKeys)
	if f.val.Kind != yaml.MappingNode {
		return o
	}
	if ef, ok := fs.m["events"]; ok {
		known := append([]string{"all"}, montecarlo.EventKinds()...)
		check := func(s string, n *yaml.Node, path string) {
			for _, k := range strings.Split(s, ",") {
				k = strings.TrimSpace(k)
				if !slices.Contains(known, k) {
					d.errf(n, path, "%q is not an event kind: want all or a list of %s%s", k, quoteList(known[1:]), suggest(k, known))
					continue
				}
				o.Events = append(o.Events, k)
			}
		}
		if ef.val.Kind == yaml.ScalarNode {
			if s, ok := d.scalar(ef); ok {
				check(s, ef.val, ef.path)
			}
		} else if items, ok := d.seq(ef); ok {
			for i, it := range items {
				if s, ok := d.scalar(field{val: it, path: index(ef.path, i)}); ok {
					check(s, it, index(ef.path, i))
				}
			}
		}
		if len(o.Events) == 0 && len(d.errs) == 0 {
			d.errf(ef.val, ef.path, "lists no event kinds: want all or a list of %s", quoteList(known[1:]))
		}
	}
	if sf, ok := fs.m["snapshots"]; ok {
		if sf.val.Kind == yaml.ScalarNode {
			// snapshots: 50 us is short for snapshots: {every: 50 us}
			o.SnapshotEvery, _ = d.quantity(sf, Time, positive)
		} else {
			ss := d.mapping(sf.val, sf.path, snapshotsKeys)
			o.SnapshotEvery, _ = d.qty(ss, "every", Time, positive, true)
			if v, ok := d.integer(ss, "cap", 1, false); ok {
				if v > 1<<31 {
					d.errPath(join(sf.path, "cap"), "is too large (at most 2^31 molecules per snapshot)")
				} else {
					o.SnapshotCap = int(v)
				}
			}
		}
	}
	return o
}
