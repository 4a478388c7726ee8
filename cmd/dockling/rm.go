package main

import (
	"errors"
	"fmt"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/volume"
	"github.com/spf13/cobra"
)

func newRmCmd() *cobra.Command {
	var force, volumes bool
	cmd := &cobra.Command{
		Use:   "rm [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Remove one or more containers",
		Long: `Remove containers: their writable layer, log, cgroup and network links.
A running container is refused unless -f, which kills it first. Named
volumes and bind-mounted directories always stay; the anonymous volumes a
container made for a bare -v /path go too with -v (and always with run --rm),
unless another container uses them.`,
		Example: `  dockling rm c1
  dockling rm -v c3       # and its anonymous volumes
  dockling rm -f web
  dockling rm -f $(dockling ps -aq)`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEachContainer(cmd, args, func(store *container.Store, c *container.Container) error {
				if err := removeContainer(store, c, force); err != nil {
					return err
				}
				if volumes && !c.HostConfig.AutoRemove { // --rm ones are gone already
					if err := removeAnonymousVolumes(c); err != nil {
						return err
					}
				}
				fmt.Fprintln(cmd.OutOrStdout(), containerRef(c, args))
				return nil
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "kill a running container before removing it")
	cmd.Flags().BoolVarP(&volumes, "volumes", "v", false, "remove the container's anonymous volumes too")
	return cmd
}

// removeContainer undoes everything a container made, then deletes its
// directory. It works from the record alone, so it also cleans up after a
// supervisor that was killed with SIGKILL.
func removeContainer(store *container.Store, c *container.Container, force bool) error {
	if c.State.Status == container.Running && c.State.Alive() {
		if !force {
			return fmt.Errorf("container %s is running: stop it first (dockling stop %s) or use rm -f", c.Name, c.Name)
		}
		// Kill it and wait for its supervisor to finish its own cleanup,
		// so the two never tear down the same links at once.
		if err := store.Stop(c, 0); err != nil {
			return err
		}
	}
	if err := store.Cleanup(c); err != nil {
		return fmt.Errorf("clean up container %s: %w", c.Name, err)
	}
	if err := store.Remove(c.ID); err != nil {
		return err
	}
	if c.HostConfig.AutoRemove {
		// docker's --rm takes the anonymous volumes with it: nobody could
		// name them again, so they would only pile up.
		return removeAnonymousVolumes(c)
	}
	return nil
}

// removeAnonymousVolumes removes the anonymous volumes c used, once c's
// record is gone, skipping any another container still uses.
func removeAnonymousVolumes(c *container.Container) error {
	var names []string
	for _, m := range c.Mounts {
		if m.Type == string(volume.TypeVolume) {
			names = append(names, m.Name)
		}
	}
	if len(names) == 0 {
		return nil // the usual case; don't list every container for nothing
	}
	vols, err := openVolumes()
	if err != nil {
		return err
	}
	for _, name := range names {
		v, err := vols.Get(name)
		if err != nil || !v.Anonymous {
			continue // gone already, or named: named volumes stay
		}
		if err := vols.Remove(name); err != nil && !errors.Is(err, volume.ErrInUse) {
			return fmt.Errorf("remove anonymous volume of %s: %w", c.Name, err)
		}
	}
	return nil
}

// forEachContainer resolves each reference and runs fn, going on past
// failures the way docker does, and fails at the end if any failed.
func forEachContainer(cmd *cobra.Command, refs []string, fn func(*container.Store, *container.Container) error) error {
	store, err := container.Open(sandbox.Root())
	if err != nil {
		return err
	}
	var failed []error
	for _, ref := range refs {
		c, err := store.Find(ref)
		if err == nil {
			err = fn(store, c)
		}
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) == 1 {
		return failed[0]
	}
	return errors.Join(failed...)
}

// containerRef prints a container the way the user named it.
func containerRef(c *container.Container, typed []string) string {
	for _, t := range typed {
		if t == c.Name || t == c.ID {
			return t
		}
	}
	return c.ID
}
