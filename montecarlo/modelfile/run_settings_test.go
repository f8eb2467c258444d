package modelfile

import (
	"strings"
	"testing"
)

// TestRunShardsLongSteps decodes run.shards and run.long_steps from the
// file and from --set overrides, with their defaults.
func TestRunShardsLongSteps(t *testing.T) {
	base := smallModel()
	with := strings.Replace(base, "  seed: 7\n", "  seed: 7\n  shards: 8\n  long_steps: 10\n", 1)
	for _, tc := range []struct {
		name      string
		text      string
		overrides []string
		shards    int
		long      int
	}{
		{"defaults", base, nil, 0, 0},
		{"file", with, nil, 8, 10},
		{"whole run", base, []string{"run={duration: 0.2 ms, sample_interval: 10 us, shards: 2, long_steps: 3}"}, 2, 3},
		{"override adds", base, []string{"run.shards=4", "run.long_steps=5"}, 4, 5},
		{"override replaces", with, []string{"run.shards=16", "run.long_steps=1"}, 16, 1},
		{"limits", base, []string{"run.shards=4096", "run.long_steps=255"}, 4096, 255},
		{"zero", with, []string{"run.shards=0", "run.long_steps=0"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseWithOverrides("m.yaml", []byte(tc.text), tc.overrides)
			if err != nil {
				t.Fatal(err)
			}
			if s.Run.Shards != tc.shards || s.Run.LongSteps != tc.long {
				t.Errorf("shards %d, long_steps %d; want %d, %d", s.Run.Shards, s.Run.LongSteps, tc.shards, tc.long)
			}
		})
	}
}

// TestRunShardsLongStepsErrors: negative, too large, fractional or
// unit-bearing values are refused at their file position (or --set).
func TestRunShardsLongStepsErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{name: "negative shards", old: "  seed: 7", new: "  seed: 7\n  shards: -2", needle: "-2",
			path: "run.shards", want: []string{"whole number of blocks per replicate from 0 to 4096", "got -2"}},
		{name: "too many shards", old: "  seed: 7", new: "  seed: 7\n  shards: 4097", needle: "4097",
			path: "run.shards", want: []string{"from 0 to 4096", "got 4097"}},
		{name: "fractional shards", old: "  seed: 7", new: "  seed: 7\n  shards: 2.5", needle: "2.5",
			path: "run.shards", want: []string{"whole number"}},
		{name: "shards with a unit", old: "  seed: 7", new: "  seed: 7\n  shards: 2 ms", needle: "2 ms", anchor: "shards",
			path: "run.shards", want: []string{"time"}},
		{name: "negative long steps", old: "  seed: 7", new: "  seed: 7\n  long_steps: -1", needle: "-1",
			path: "run.long_steps", want: []string{"whole number of timesteps per long step from 0 to 255", "got -1"}},
		{name: "too long steps", old: "  seed: 7", new: "  seed: 7\n  long_steps: 256", needle: "256",
			path: "run.long_steps", want: []string{"from 0 to 255", "got 256"}},
		{name: "typo", old: "  seed: 7", new: "  seed: 7\n  shard: 2", needle: "shard",
			path: "run.shard", want: []string{`did you mean "shards"`}},
	}, false)
	_, err := ParseWithOverrides("m.yaml", []byte(smallModel()), []string{"run.long_steps=1000"})
	if err == nil || !strings.Contains(err.Error(), "--set run.long_steps=1000: run.long_steps: must be a whole number of timesteps per long step from 0 to 255") {
		t.Errorf("got %v", err)
	}
}

// TestTooLargeSaysLimit: counts too large for a run say the limit and what
// to do instead (issue 13 B.11: "run.replicates: is too large").
func TestTooLargeSaysLimit(t *testing.T) {
	_, err := ParseWithOverrides("m.yaml", []byte(smallModel()), []string{"run.replicates=1000000000000"})
	if err == nil || !strings.Contains(err.Error(), "run.replicates: is too large: at most 2147483647 replicates in one run; split") {
		t.Errorf("replicates 1e12: %v", err)
	}
}
