package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputBadInput: unknown event kinds, a snapshot interval that is not
// a multiple of dt or exceeds the duration, a run over the size limit and
// --table fpt on a run without events are refused as usage errors that
// name the flag or field and the fix; nothing is written.
func TestOutputBadInput(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.yaml")
	src, err := os.ReadFile("../../montecarlo/modelfile/presets/glutamate-ca1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := string(src) + "\noutput:\n  events: [bind, unbnd]\n"
	if err := os.WriteFile(model, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	short := []string{"--set", "run.duration=0.02 ms"}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--events=bind,unbnd"}, []string{"--events", `unknown event kind "unbnd"`, "transport"}},
		{[]string{"--snapshots", "0.15us"}, []string{"output.snapshots.every", "multiple of the timestep", "--snapshots 0.15us"}},
		{[]string{"--snapshots", "1ms"}, []string{"output.snapshots.every", "longer than run.duration"}},
		{[]string{"--snapshots", "10us", "--max-output-rows", "1000"}, []string{"--max-output-rows", "snapshots", "raise the limit"}},
		{[]string{model}, []string{"m.yaml", "output.events[1]", `"unbnd" is not an event kind`, `did you mean "unbind"`}},
	} {
		out := filepath.Join(dir, "out")
		args := append(append([]string{"run", "-n", "1", "-q", "-o", out}, short...), c.args...)
		_, err := runDrugCmd(args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		if ee, ok := err.(*exitError); !ok || ee.code != exitUsage {
			t.Errorf("%v: %v, want a usage error", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", c.args, err, w)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", c.args, out)
		}
	}
	// A run without events: --table fpt says which flag writes them.
	run := filepath.Join(dir, "plain")
	if _, err := runDrugCmd(append([]string{"run", "-n", "1", "-q", "-o", run}, short...)...); err != nil {
		t.Fatal(err)
	}
	_, err = runDrugCmd("analyze", run, "--table", "fpt")
	if ee, ok := err.(*exitError); !ok || ee.code != exitUsage || !strings.Contains(err.Error(), "--events") {
		t.Errorf("analyze --table fpt on a run without events: %v", err)
	}
}
