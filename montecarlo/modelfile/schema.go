package modelfile

// The field names of each mapping of the model file, in documentation
// order. The decoder rejects any other key, suggesting the nearest; the
// override code uses the same tables to accept keys a file left out.
var (
	topKeys         = []string{"name", "description", "geometry", "regions", "species", "baths", "drugs", "sites", "placement", "release", "degradation", "observables", "run", "output"}
	cleftKeys       = []string{"voxel", "width", "synapse_radius", "psd_radius", "membrane_radius", "half_width", "half_height"}
	boxKeys         = []string{"voxel", "size", "absorbing"}
	maskKeys        = []string{"file", "voxel", "origin", "shape", "labels"}
	maskLabelKeys   = []string{"kind", "region", "membrane"}
	geometryKeys    = []string{"kind", "voxel", "width", "synapse_radius", "psd_radius", "membrane_radius", "half_width", "half_height", "size", "absorbing", "file", "origin", "shape", "labels"}
	speciesKeys     = []string{"name", "D", "D_region"}
	bathKeys        = []string{"name", "concentration"}
	siteKeys        = []string{"name", "transporter", "outward", "inward", "conductance", "driving_force", "scheme", "model", "substrate", "rates"}
	schemeKeys      = []string{"states", "initial", "conducting", "transitions"}
	transitionKeys  = []string{"from", "to", "kind", "species", "rate", "charge"}
	placementKeys   = []string{"site", "region", "count", "density", "volume_density", "state"}
	regionKeys      = []string{"name", "volume_fraction", "tortuosity"}
	drugKeys        = []string{"name", "concentration", "targets", "k_on", "ki", "kind", "translocation", "release"}
	releaseKeys     = []string{"species", "at", "sites", "time", "times", "train", "spontaneous", "molecules", "distribution", "cv", "probability", "pore"}
	releaseSiteKeys = []string{"lattice", "density", "region", "box"}
	latticeKeys     = []string{"spacing"}
	boxRangeKeys    = []string{"min", "max"}
	poreKeys        = []string{"duration"}
	spontaneousKeys = []string{"rate"}
	observableKeys  = []string{"kind", "name", "species", "at", "radius", "site", "region", "threshold"}
	trainKeys       = []string{"start", "frequency", "count", "bursts", "pauses"}
	burstKeys       = []string{"at", "spikes", "frequency"}
	pauseKeys       = []string{"from", "to"}
	degradationKeys = []string{"species", "region", "rate"}
	runKeys         = []string{"dt", "duration", "sample_interval", "replicates", "seed", "shards", "long_steps"}
)

// schema is the shape of the model file, for navigating overrides: a
// mapping with fixed keys (fields), a mapping with free keys (free), or a
// list (elem). A nil *schema is a leaf value.
type schema struct {
	keys    []string
	fields  map[string]*schema
	free    bool    // any key is allowed (e.g. D_region: region names)
	elem    *schema // list elements
	named   bool    // list elements have a "name" and may be addressed by it
	compact bool    // the value may be a one-line string that expands to this mapping
	create  bool    // a named list: an override naming a missing item adds it ({name: NAME})
}

func mapping(keys []string, sub map[string]*schema) *schema {
	return &schema{keys: keys, fields: sub}
}

func list(elem *schema, named bool) *schema { return &schema{elem: elem, named: named} }

var topSchema = mapping(topKeys, map[string]*schema{
	"geometry": mapping(geometryKeys, map[string]*schema{"labels": {free: true}}),
	"species":  list(mapping(speciesKeys, map[string]*schema{"D_region": {free: true}}), true),
	"baths":    list(mapping(bathKeys, nil), true),
	"regions":  list(mapping(regionKeys, nil), true),
	"drugs":    &schema{elem: mapping(drugKeys, nil), named: true, create: true},
	"sites": list(mapping(siteKeys, map[string]*schema{
		"rates": {free: true},
		"scheme": mapping(schemeKeys, map[string]*schema{
			"transitions": list(&schema{keys: transitionKeys, compact: true}, false),
		}),
	}), true),
	"placement": list(mapping(placementKeys, nil), false),
	"release": list(mapping(releaseKeys, map[string]*schema{
		"train": mapping(trainKeys, map[string]*schema{
			"bursts": list(mapping(burstKeys, nil), false),
			"pauses": list(mapping(pauseKeys, nil), false),
		}),
		"sites": mapping(releaseSiteKeys, map[string]*schema{
			"lattice": mapping(latticeKeys, nil),
			"box":     mapping(boxRangeKeys, nil),
		}),
		"pore":        mapping(poreKeys, nil),
		"spontaneous": mapping(spontaneousKeys, nil),
	}), false),
	"observables": list(mapping(observableKeys, nil), true),
	"degradation": list(mapping(degradationKeys, nil), false),
	"run":         mapping(runKeys, nil),
	"output":      mapping(outputKeys, map[string]*schema{"snapshots": mapping(snapshotsKeys, nil)}),
})

// isMapping reports whether s describes a mapping (fixed or free keys).
func (s *schema) isMapping() bool { return s != nil && (s.keys != nil || s.free) }

// allows reports whether key is a field of the mapping s.
func (s *schema) allows(key string) bool {
	if s == nil {
		return false
	}
	if s.free {
		return key != ""
	}
	for _, k := range s.keys {
		if k == key {
			return true
		}
	}
	return false
}

// child is the schema of field key of s.
func (s *schema) child(key string) *schema {
	if s == nil || s.fields == nil {
		return nil
	}
	return s.fields[key]
}
