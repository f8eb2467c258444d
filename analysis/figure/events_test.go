package figure

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/reuptake/reuptake/analysis"
)

// TestEventPlots draws the survival and uptake panels of two conditions
// to a PNG of the expected size, and refuses an unknown panel.
func TestEventPlots(t *testing.T) {
	data := []analysis.EventSummary{
		{Condition: "a", Released: 10, FirstBind: []float64{0.1, 0.2, 0.3}, Uptake: []float64{1}, Escape: []float64{0.5, 0.6}, UptakeDistance: []float64{0.2}, Duration: 2},
		{Condition: "b", Released: 5, FirstBind: []float64{0.05}, Escape: []float64{0.4}, Duration: 2},
	}
	plots, err := EventPlots(data, nil)
	if err != nil || len(plots) != 4 {
		t.Fatalf("%d plots, %v", len(plots), err)
	}
	var b bytes.Buffer
	if err := WriteEvents(&b, "png", data, []string{Survival, Uptake}, Options{DPI: 50}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != 2*5*50 {
		t.Errorf("width %d px, want %d (two panels of 5 in at 50 dpi)", w, 2*5*50)
	}
	if _, err := EventPlots(data, []string{"nope"}); err == nil {
		t.Error("unknown panel accepted")
	}
}
