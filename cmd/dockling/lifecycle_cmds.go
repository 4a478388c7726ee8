package main

import "github.com/spf13/cobra"

// lifecycleReadCommands are the commands that only look at containers:
// ps, logs and inspect. They read records and log files and change
// nothing, so they are safe to run at any time, even while a container
// starts or stops.
func lifecycleReadCommands() []*cobra.Command {
	return []*cobra.Command{newPsCmd(), newLogsCmd(), newInspectCmd()}
}
