package main

import (
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
)

func TestPlotPNGAndSVG(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 3, Conditions: []string{"control", "drug"}})
	out := t.TempDir()

	png1 := filepath.Join(out, "fig.png")
	stdout, _, err := execMC(t, "plot", dir, "-o", png1, "--dpi", "80")
	if err != nil || !strings.Contains(stdout, "wrote "+png1) {
		t.Fatalf("plot: %v, %s", err, stdout)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 3*5*80 || b.Dy() < 2*3*80 {
		t.Errorf("PNG %dx%d", b.Dx(), b.Dy())
	}

	svg := filepath.Join(out, "course.svg")
	if _, _, err := execMC(t, "plot", dir, "-o", svg, "--observable", "free_cleft", "--condition", "drug", "--panels", "course"); err != nil {
		t.Fatal(err)
	}
	sf, err := os.Open(svg)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	dec := xml.NewDecoder(sf)
	paths, texts := 0, []string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if v.Name.Local == "path" {
				paths++
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(v)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	all := strings.Join(texts, "|")
	if paths < 10 || !strings.Contains(all, "time (ms)") || !strings.Contains(all, "free molecules in the cleft") || !strings.Contains(all, "condition drug") || !strings.Contains(all, "drug") {
		t.Errorf("SVG: %d paths, texts %s", paths, all)
	}
	if strings.Contains(all, "control") {
		t.Errorf("--condition drug still plots control: %s", all)
	}

	if _, _, err := execMC(t, "plot", dir, "-o", filepath.Join(out, "fig.jpg")); exitCode(err) != exitUsage {
		t.Errorf(".jpg: %v", err)
	}
	if _, _, err := execMC(t, "plot", dir); exitCode(err) != exitUsage {
		t.Errorf("no -o: %v", err)
	}
	if _, _, err := execMC(t, "plot", dir, "-o", png1, "--observable", "nope"); exitCode(err) != exitUsage || !strings.Contains(err.Error(), "open_ampa") {
		t.Errorf("unknown observable: %v", err)
	}
}
