package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/spf13/cobra"
)

func newSystemCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "system",
		Short:   "Manage dockling itself",
		Example: "  dockling system reset -f",
	}
	cmd.AddCommand(newSystemResetCmd())
	return cmd
}

func newSystemResetCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Remove every container and everything they made on this host (images and volumes stay)",
		Long: `Put a littered machine back in order, e.g. a classroom VM between two
classes: kill and remove every container, remove the writable layers of
interrupted steps, their cgroups and every empty dockling cgroup, the
dockling0 bridge with its iptables rules, and every address lease. Images
and volumes are kept. A dockling cgroup whose processes belong to no
container of this state root (another DOCKLING_ROOT's container) is kept
and named. Running it twice is harmless.`,
		Example: "  sudo dockling system reset -f",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force && !confirm(cmd, "This will remove all containers, their cgroups, links, rules and leases.") {
				return errors.New("cancelled")
			}
			return systemReset(cmd)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}

func systemReset(cmd *cobra.Command) error {
	out := cmd.OutOrStdout()
	var errs []error
	store, err := container.Open(sandbox.Root())
	if err != nil {
		return err
	}
	all, _ := store.List()
	for _, c := range all {
		if err := removeContainer(store, c, true); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "removed container %s (%s)\n", container.ShortID(c.ID), c.Name)
	}
	steps := filepath.Join(sandbox.Root(), "steps")
	if entries, err := os.ReadDir(steps); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				errs = append(errs, os.RemoveAll(filepath.Join(steps, e.Name())))
			}
		}
	}
	// Ours: the cgroups of this state root's containers (removed above
	// unless something failed) and those of steps whose runner is gone.
	ids := map[string]bool{}
	for _, c := range all {
		ids[c.ID] = true
	}
	kept, err := cgroups.CleanupAll(func(name string) bool {
		return ids[name] || (strings.HasPrefix(name, "step") && stepRunnerGone(name))
	})
	errs = append(errs, err)
	for _, name := range kept {
		fmt.Fprintf(out, "kept cgroup dockling/%s: its processes belong to no container of %s (another DOCKLING_ROOT, or a running step)\n", name, sandbox.Root())
	}
	cfg := network.DefaultConfig(sandbox.Root())
	if leases, err := network.Leases(cfg); err == nil {
		for id := range leases {
			errs = append(errs, network.Release(cfg, id))
		}
	}
	if err := network.Destroy(cfg); errors.Is(err, network.ErrBridgeInUse) {
		fmt.Fprintf(out, "kept %s: %v\n", cfg.Bridge, err)
	} else if err != nil {
		errs = append(errs, err)
	}
	fmt.Fprintln(out, "removed step leftovers, cgroups, the dockling0 bridge, its rules and leases")
	return errors.Join(errs...)
}
