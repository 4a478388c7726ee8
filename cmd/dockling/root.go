package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "dockling",
		Short: "A container runtime built from scratch, to learn how containers work",
		Long: `dockling builds a container one kernel feature at a time.

Walk the steps (each adds one isolation layer to the one before), read the
lessons, and use the everyday docker-like commands once you know what they do.`,
		Example: `  dockling doctor                 # does this kernel have what we need?
  dockling step                   # list the steps
  dockling step 2 --explain -- sh # a shell in new namespaces, every kernel call shown
  dockling step 2 --script        # the same by hand, as a bash script
  dockling lesson namespaces      # read the lesson`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newStepCmd(),
		newTourCmd(),
		newCheckCmd(),
		newRunCmd(),
		newExecCmd(),
		newAttachCmd(),
		newStartCmd(),
		newStopCmd(),
		newRestartCmd(),
		newKillCmd(),
		newRmCmd(),
		newWaitCmd(),
		newSuperviseCmd(),
		newVolumeCmd(),
		newInfoCmd(),
		newContainerCmd(),
		newSystemCmd(),
		newLessonCmd(),
		newDoctorCmd(),
		newCompareCmd(),
		newVersionCmd(),
		newInitCmd(),
	)
	root.AddCommand(lifecycleReadCommands()...)
	root.AddCommand(imageCommands()...)
	root.AddCommand(copyCommands()...)
	rejectUnknownSubcommands(root)
	return root
}

// rejectUnknownSubcommands makes a command group (system, container,
// image, volume) fail on a subcommand it does not have. Cobra only does
// that for the root; below it, `dockling system df` would print the
// group's help and exit 0, as if it had worked.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	for _, sub := range cmd.Commands() {
		rejectUnknownSubcommands(sub)
	}
	if cmd.HasParent() && cmd.HasSubCommands() && cmd.Run == nil && cmd.RunE == nil {
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			return fmt.Errorf("unknown command %q for %q; see the commands it has: %s --help", args[0], c.CommandPath(), c.CommandPath())
		}
	}
}
