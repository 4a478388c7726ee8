package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/internal/compare"
	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
)

func newCompareCmd() *cobra.Command {
	var runs, vmRuns int
	var accel, vmMemory, kernel string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Measure a process, a container and a small VM on this machine, side by side",
		Long: `compare starts three kinds of thing and measures, on this machine, how
long each takes until its program runs (start), the most memory it holds
(memory) and what it needs on disk (disk):

  process    /bin/echo, forked and executed: no isolation at all; its memory
             is that of /bin/cat waiting for input
  container  dockling run --rm --network none hostbox echo: the real runtime,
             started as you would start it; its memory is that of cat
             waiting in one more container, with the container's cgroup
  VM         Linux booted under qemu from an initramfs holding only busybox
             and an /init that prints a line and powers off; its memory is
             qemu's

Start times are medians of --runs runs (--vm-runs boots for the VM). The VM
runs with KVM where /dev/kvm works and falls back to emulation (tcg)
otherwise; the table says which ran. Without qemu, a kernel in /boot or a
static busybox, compare measures the rest and prints the command that
installs what is missing.

The containers run in your state directory ($DOCKLING_ROOT) and are removed;
hostbox is built if it is not there yet. Needs root for the container.
Lesson 03 (dockling lesson vms-vs-containers) explains the numbers.`,
		Example: `  sudo dockling compare
  sudo dockling compare --runs 20 --vm-runs 3
  sudo dockling compare --accel tcg --vm-memory 256m
  sudo dockling compare --json | jq .vm.start_ns`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mem, err := cgroups.ParseMemory(vmMemory)
			if err != nil {
				return fmt.Errorf("--vm-memory: %w", err)
			}
			a, err := compare.ParseAccel(accel)
			if err != nil {
				return err
			}
			self, err := os.Executable()
			if err != nil {
				return fmt.Errorf("find the dockling binary to start containers with: %w", err)
			}
			o := compare.Options{Dockling: self, StateRoot: sandbox.Root(), Runs: runs, VMRuns: vmRuns,
				Accel: a, VMMemory: mem, Kernel: kernel,
				Progress: func(s string) { fmt.Fprintf(cmd.ErrOrStderr(), "compare: %s\n", s) }}
			if err := o.Validate(); err != nil {
				return err
			}
			// ^C stops the VM and asks the container to end; what was made
			// for the measurement is removed either way.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			res, runErr := compare.Run(ctx, o)
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(res); err != nil {
					return fmt.Errorf("write the results as JSON: %w", err)
				}
			} else if err := renderMarkdown(out, compare.Markdown(res, container.HostMemory())); err != nil {
				return err
			}
			return runErr
		},
	}
	f := cmd.Flags()
	f.IntVar(&runs, "runs", 5, "runs of the process and of the container; the median is shown")
	f.IntVar(&vmRuns, "vm-runs", 1, "boots of the VM (an emulated boot takes seconds)")
	f.StringVar(&accel, "accel", "auto", "how qemu runs the guest: kvm (hardware), tcg (emulation) or auto")
	f.StringVar(&vmMemory, "vm-memory", "128m", "RAM for the VM, e.g. 256m")
	f.StringVar(&kernel, "kernel", "", "kernel image to boot (default: Debian's cloud kernel, else the running kernel's, from /boot)")
	f.BoolVar(&asJSON, "json", false, "print the measurements as JSON (times in nanoseconds, sizes in bytes)")
	return cmd
}
