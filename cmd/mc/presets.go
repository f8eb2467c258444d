package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

func newPresetsCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "presets [list|show NAME]",
		Short: "List the built-in models or print one as YAML to start from",
		Long: `Presets are the built-in models: each is a complete model file that 'mc run
--preset NAME' runs and that 'mc presets show NAME' prints, to copy and edit.

  mc presets list         the presets, each with a one-line description
  mc presets show NAME    the model file of a preset (YAML, with comments)`,
		Example: `  mc presets list
  mc presets show dopamine-striatum > my-model.yaml
  mc run my-model.yaml`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if len(args) == 0 || args[0] == "list" {
				return listPresets(w)
			}
			if args[0] != "show" || len(args) != 2 {
				return &exitError{exitUsage, fmt.Errorf("usage: mc presets list | mc presets show NAME")}
			}
			data, err := modelfile.Preset(args[1])
			if err != nil {
				return &exitError{exitUsage, err}
			}
			_, err = w.Write(data)
			return err
		},
	}
	return c
}

// listPresets prints one line per preset: its name, whether it is the
// default, and the first sentence of its description, cut to fit a 100
// column terminal.
func listPresets(w io.Writer) error {
	names := modelfile.Presets()
	width := 0
	for _, p := range names {
		width = max(width, len(p))
	}
	for _, p := range names {
		data, err := modelfile.Preset(p)
		if err != nil {
			return err
		}
		desc := presetDescription(data)
		if p == modelfile.DefaultPreset {
			desc = "(default) " + desc
		}
		fmt.Fprintf(w, "%-*s  %s\n", width, p, cut(desc, 96-width))
	}
	return nil
}

// presetDescription is the first clause of a model's description: up to
// its first comma or full stop outside parentheses, without the
// parenthesised details.
func presetDescription(data []byte) string {
	var m struct {
		Description string `yaml:"description"`
	}
	if yaml.Unmarshal(data, &m) != nil {
		return ""
	}
	var out strings.Builder
	depth := 0
	for _, r := range strings.Join(strings.Fields(m.Description), " ") {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth = max(depth-1, 0)
		case depth > 0:
		case r == ',' || r == '.':
			return strings.TrimSpace(out.String())
		default:
			out.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

// cut shortens s to at most n runes, ending with "…" when cut at a word.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n || n < 2 {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndexAny(string(r), " ,;:"); i > 0 {
		r = []rune(strings.TrimRight(string(r)[:i], " ,;:"))
	}
	return string(r) + "…"
}
