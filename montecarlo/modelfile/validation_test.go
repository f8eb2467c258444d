package modelfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

// TestAllErrorsReported: a model with several independent mistakes gets
// every one reported, each at its own line and field, in one error.
func TestAllErrorsReported(t *testing.T) {
	type mistake struct {
		old, new, anchor, needle, path string
		want                           []string
	}
	for _, tc := range []struct {
		name     string
		mistakes [3]mistake
	}{
		{"three unknown names", [3]mistake{
			{"{cleft: 0.33", "{clft: 0.33", "D_region", "0.33", "species[0].D_region.clft",
				[]string{`no volume region "clft" in a cleft geometry (did you mean "cleft"?) (regions: cleft, perisynaptic, extrasynaptic)`}},
			{"site: glt1", "site: glt2", "placement:", "glt2", "placement[1].site",
				[]string{`unknown site type "glt2"`, `did you mean "glt1"`, "(site types: ampa, glt1)"}},
			{"region: extrasynaptic", "region: extrasynaptc", "degradation:", "extrasynaptc", "degradation[0].region",
				[]string{`no volume region "extrasynaptc"`, `did you mean "extrasynaptic"`}},
		}},
		{"sites, release and run", [3]mistake{
			{"density: 3000 /um^2", "density: 20000 /um^2", "placement:", "20000", "placement[1].density",
				[]string{"more than one site"}},
			{"at: cleft", "at: [0 um, 0 um, 0.05 um]", "release:", "[0 um", "release[0].at",
				[]string{"not in the extracellular space"}},
			{"duration: 0.2 ms", "duration: 0.20005 ms", "run:", "0.20005", "run.duration",
				[]string{"whole number"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := smallModel()
			for _, m := range tc.mistakes {
				if !strings.Contains(text, m.old) {
					t.Fatalf("%q not in the model", m.old)
				}
				text = strings.Replace(text, m.old, m.new, 1)
			}
			_, err := LoadBytes("m.yaml", []byte(text))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("got %v, want an ErrorList", err)
			}
			if len(list) != len(tc.mistakes) {
				t.Fatalf("%d errors, want %d:\n%v", len(list), len(tc.mistakes), err)
			}
			for i, m := range tc.mistakes {
				e := list[i]
				line, col := where(t, text, m.anchor, m.needle)
				prefix := fmt.Sprintf("m.yaml:%d:%d: %s: ", line, col, m.path)
				if !strings.HasPrefix(e.Error(), prefix) {
					t.Errorf("error %d: got %q\nwant prefix %q", i, e, prefix)
				}
				for _, w := range m.want {
					if !strings.Contains(e.Error(), w) {
						t.Errorf("error %d: %q does not mention %q", i, e, w)
					}
				}
				var fe *montecarlo.FieldError
				if !errors.As(e, &fe) || fe.Path != m.path {
					t.Errorf("error %d does not wrap the FieldError of %s: %v", i, m.path, e)
				}
			}
		})
	}
}

// TestCompileErrorsCapped: like Decode, Compile lists at most maxErrors
// problems and then says it stopped.
func TestCompileErrorsCapped(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 2*maxErrors; i++ {
		fmt.Fprintf(&b, "  - site: nope%d\n    region: psd\n    count: 1\n", i)
	}
	text := strings.Replace(smallModel(), "placement:\n", "placement:\n"+b.String(), 1)
	_, err := LoadBytes("m.yaml", []byte(text))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != maxErrors+1 || !strings.Contains(list[maxErrors].Msg, "too many errors") {
		t.Fatalf("got %d errors:\n%v", len(list), err)
	}
	for i, e := range list[:maxErrors] {
		line, col := where(t, text, fmt.Sprintf("site: nope%d\n", i), fmt.Sprintf("nope%d", i))
		if want := fmt.Sprintf("m.yaml:%d:%d: placement[%d].site: unknown site type", line, col, i); !strings.HasPrefix(e.Error(), want) {
			t.Errorf("error %d: got %q, want %q...", i, e, want)
		}
	}
}
