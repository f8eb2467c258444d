package main

import "github.com/spf13/cobra"

// extraCommands lists the commands beyond running, validating and
// inspecting: the analysis commands and the batch (cluster) commands.
func extraCommands() []*cobra.Command {
	return append(append(analysisCommands(), batchCommands()...), newTransportersCmd())
}
