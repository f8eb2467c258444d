package main

import "github.com/spf13/cobra"

// extraCommands lists the commands beyond running, validating and
// inspecting: the analysis commands, the batch (cluster) commands and the
// viewer and exporters.
func extraCommands() []*cobra.Command {
	cmds := append(analysisCommands(), batchCommands()...)
	return append(cmds, viewCommands()...)
}
