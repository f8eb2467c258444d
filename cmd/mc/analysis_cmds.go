package main

import "github.com/spf13/cobra"

// analysisCommands returns mc analyze, compare and plot.
func analysisCommands() []*cobra.Command {
	return []*cobra.Command{newAnalyzeCmd(), newCompareCmd(), newPlotCmd()}
}
