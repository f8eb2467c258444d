package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

func newPresetsCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "presets [list|show NAME]",
		Short: "List the built-in models or print one as YAML to start from",
		Args:  cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if len(args) == 0 || args[0] == "list" {
				for _, p := range modelfile.Presets() {
					mark := ""
					if p == modelfile.DefaultPreset {
						mark = "  (default)"
					}
					fmt.Fprintf(w, "%s%s\n", p, mark)
				}
				return nil
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
