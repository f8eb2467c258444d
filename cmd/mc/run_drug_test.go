package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// runDrugCmd runs the mc command line in this process.
func runDrugCmd(args ...string) (string, error) {
	root := newRootCmd()
	var o, e bytes.Buffer
	root.SetOut(&o)
	root.SetErr(&e)
	root.SetArgs(args)
	err := root.Execute()
	return o.String(), err
}

// TestRunDrug: --drug adds a drug as an override (also next to --set and
// in a sweep), and bad drug arguments are usage errors that say what is
// wrong.
func TestRunDrug(t *testing.T) {
	dir := t.TempDir()
	out, err := runDrugCmd("run", "--preset", "serotonin", "--drug", "fluoxetine=8nM", "--set", "run.duration=2 ms",
		"--sweep", "drugs.citalopram.concentration=0 nM,5 nM", "-n", "1", "--json", "-o", filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "drugs.citalopram.concentration") || !strings.Contains(out, "frac_transported") {
		t.Errorf("unexpected output:\n%s", out)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--drug", "cocain=1uM"}, []string{"--drug cocain=1uM", `unknown drug "cocain"`, "cocaine", "fluoxetine"}},
		{[]string{"--drug", "cocaine=1"}, []string{"--drug cocaine=1", "has no unit"}},
		{[]string{"--drug", "cocaine"}, []string{"NAME=CONCENTRATION"}},
		{[]string{"--drug", "cocaine=1uM", "--preset", "glutamate-ca1"}, []string{"cocaine acts on DAT, NET, SERT", "no such transporter"}},
	} {
		args := append([]string{"run", "-n", "1", "-q", "-o", filepath.Join(dir, "b")}, c.args...)
		_, err := runDrugCmd(args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		if ee, ok := err.(*exitError); ok && ee.code != exitUsage {
			t.Errorf("%v: exit code %d, want %d (usage)", c.args, ee.code, exitUsage)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", c.args, err, w)
			}
		}
	}
}
