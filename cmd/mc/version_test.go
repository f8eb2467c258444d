package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo/batch"
)

func TestVersionText(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.1.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-04T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionText(bi, true)
	for _, want := range []string{batch.Version, "module v0.1.0", "commit 0123456789abcdef with local changes, 2026-12-04T10:00:00Z", "go1.26.0"} {
		if !strings.Contains(got, want) {
			t.Errorf("versionText = %q, want it to contain %q", got, want)
		}
	}
	if got := versionText(nil, false); !strings.Contains(got, "commit unknown") {
		t.Errorf("without build info: %q", got)
	}
	var out bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetArgs([]string{"--version"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "mc (reuptake) "+batch.Version) {
		t.Errorf("mc --version printed %q", out.String())
	}
}
