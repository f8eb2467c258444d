package validate

import (
	"bytes"
	"os"
	"testing"

	"github.com/reuptake/reuptake/space"
)

// TestMaskCleftIsExample: the mask that checkMaskCleft writes is byte for
// byte the example mask space/testdata/cleft_mask.npy (written by
// space/testdata/gen_cleft_mask.go), so the check validates that file.
func TestMaskCleftIsExample(t *testing.T) {
	want, err := os.ReadFile("../../space/testdata/cleft_mask.npy")
	if err != nil {
		t.Skip("example mask not found:", err)
	}
	g, err := space.Cleft(maskCleftSpec)
	if err != nil {
		t.Fatal(err)
	}
	shape, data := space.CleftLabels(g, maskCleftSpec)
	var got bytes.Buffer
	if err := space.WriteNPY(&got, shape, data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("the mask of checkMaskCleft (%v voxels, %d bytes) differs from space/testdata/cleft_mask.npy (%d bytes)", shape, got.Len(), len(want))
	}
}
