package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func newInfoCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "info",
		Short:   "Show how many containers and images there are, and what this host runs them with",
		Example: "  dockling info",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			running, stopped, total := 0, 0, 0
			if cs, err := container.Open(sandbox.Root()); err == nil {
				all, _ := cs.List()
				for _, c := range all {
					total++
					if c.State.Status == container.Running {
						running++
					} else {
						stopped++
					}
				}
			}
			images := 0
			if is, err := openImageStore(); err == nil {
				all, _ := is.List()
				images = len(all)
			}
			var uts unix.Utsname
			_ = unix.Uname(&uts)
			mode, err := cgroups.DetectMode("/sys/fs/cgroup")
			if err != nil {
				mode = "unknown"
			}
			cgVersion := "1"
			if mode == cgroups.V2 {
				cgVersion = "2"
			}
			storage := "overlay"
			if err := rootfs.OverlayUsable(os.TempDir()); err != nil {
				storage = "copy (overlay unusable: " + err.Error() + ")"
			}
			var si unix.Sysinfo_t
			_ = unix.Sysinfo(&si)
			fmt.Fprintf(w, "Containers: %d\n Running: %d\n Stopped: %d\nImages: %d\n", total, running, stopped, images)
			fmt.Fprintf(w, "Server Version: dockling %s (no daemon)\n", version)
			fmt.Fprintf(w, "Storage Driver: %s\n", storage)
			fmt.Fprintf(w, "Cgroup Driver: cgroupfs\nCgroup Version: %s (%s)\n", cgVersion, mode)
			fmt.Fprintf(w, "Kernel Version: %s\nOperating System: %s\n", unix.ByteSliceToString(uts.Release[:]), osName())
			fmt.Fprintf(w, "Architecture: %s\nCPUs: %d\nTotal Memory: %.2fGiB\n", runtime.GOARCH, runtime.NumCPU(), float64(si.Totalram)*float64(si.Unit)/(1<<30))
			fmt.Fprintf(w, "Dockling Root Dir: %s\n", sandbox.Root())
			return nil
		},
	}
}

// osName is PRETTY_NAME from /etc/os-release.
func osName() string {
	b, _ := os.ReadFile("/etc/os-release")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return "unknown"
}
