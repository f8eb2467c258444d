package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTransportersCmd: list and show print the library with its derived
// quantities; bench refuses bad flags with the fix, runs, and refuses to
// overwrite an earlier bench without --force.
func TestTransportersCmd(t *testing.T) {
	out, err := runDrugCmd("transporters", "list")
	if err != nil || !strings.Contains(out, "glt1-bergles2002") || !strings.Contains(out, "0.35") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	out, err = runDrugCmd("transporters", "show", "dat-erreger2008")
	for _, w := range []string{"ToN -> ToNS bind da 5e+07 /M/s", "[D]", "capacity", "0.6667", "apparent Km 0.3307 µM exactly"} {
		if err != nil || !strings.Contains(out, w) {
			t.Errorf("show lacks %q (%v):\n%s", w, err, out)
		}
	}
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"transporters", "show", "dat-erger"}, `did you mean "dat-erreger2008"`},
		{[]string{"transporters", "bench"}, "--out"},
		{[]string{"transporters", "bench", "-o", dir, "--models", "glt1-prest"}, `did you mean "glt1-preset"`},
		{[]string{"transporters", "bench", "-o", dir, "--protocols", "uptak"}, "unknown protocol"},
		{[]string{"transporters", "bench", "-o", dir, "-n", "1"}, "at least 2 replicates"},
	} {
		_, err := runDrugCmd(c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) != exitUsage {
			t.Errorf("%v: %v, want a usage error with %q", c.args, err, c.want)
		}
	}
	args := []string{"transporters", "bench", "-o", dir, "--models", "glt1-mm", "--protocols", "uptake", "--quick", "-n", "2"}
	if out, err = runDrugCmd(args...); err != nil || !strings.Contains(out, "Km exact") {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "fits.parquet")); err != nil {
		t.Error(err)
	}
	if _, err = runDrugCmd(args...); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second bench without --force: %v", err)
	}
	if _, err = runDrugCmd(append(args, "--force")...); err != nil {
		t.Errorf("--force: %v", err)
	}
}
