package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
interrupted steps, every dockling cgroup, the dockling0 bridge with its
iptables rules, and every address lease. Images and volumes are kept.
Running it twice is harmless.`,
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
	errs = append(errs, cgroups.CleanupAll())
	cfg := network.DefaultConfig(sandbox.Root())
	if leases, err := network.Leases(cfg); err == nil {
		for id := range leases {
			errs = append(errs, network.Release(cfg, id))
		}
	}
	if err := network.Destroy(cfg); err != nil {
		errs = append(errs, err)
	}
	fmt.Fprintln(out, "removed step leftovers, cgroups, the dockling0 bridge, its rules and leases")
	return errors.Join(errs...)
}
