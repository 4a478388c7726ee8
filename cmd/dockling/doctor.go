package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/hostcheck"
)

func newDoctorCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that this host can run containers, and say how to fix what is missing",
		Long: `doctor checks, one line each, what dockling needs from the kernel and the
host: root, the kernel version, namespaces, pivot_root, cgroups and their
controllers, overlayfs and the state directory's filesystem, veth and bridge,
IP forwarding and iptables.

Each line starts with ok, warn or FAIL. Under every line that is not ok comes
a fix: the command to run or the boot option to add, worded for this
distribution (CentOS 7's yum and grubby, Debian's apt-get and update-grub).
Warnings mean dockling runs but something is slower or missing; FAIL means
no container can start. doctor exits 1 when a required check fails.

It only reads /proc, /sys and /etc, plus one scratch file in the state
directory ($DOCKLING_ROOT, default /var/lib/dockling) to test d_type.`,
		Example: `  sudo dockling doctor
  sudo dockling doctor --json | jq '.[] | select(.status != "ok")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			results := hostcheck.Run(hostcheck.Host{})
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return fmt.Errorf("write the report as JSON: %w", err)
				}
			} else {
				printDoctorReport(out, results)
			}
			return doctorVerdict(results)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as a JSON array")
	return cmd
}

// doctorVerdict is nil when every required check passed; otherwise an error
// that main prints as "dockling: 2 required checks failed; see the fixes above".
func doctorVerdict(results []hostcheck.Result) error {
	switch n := hostcheck.CountFailed(results); n {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("1 required check failed; see the fix above")
	default:
		return fmt.Errorf("%d required checks failed; see the fixes above", n)
	}
}

// printDoctorReport writes one aligned line per check, and an indented fix
// under each line that is not ok:
//
//	ok    namespaces  uts pid mnt ipc net (user: 15000 allowed)
//	warn  ip_forward  net.ipv4.ip_forward = 0: ...
//	      fix: sysctl -w net.ipv4.ip_forward=1
func printDoctorReport(w io.Writer, results []hostcheck.Result) {
	nameWidth := 0
	for _, r := range results {
		nameWidth = max(nameWidth, len(r.Name))
	}
	const statusWidth = len("warn  ")
	indent := strings.Repeat(" ", statusWidth)
	for _, r := range results {
		fmt.Fprintf(w, "%-*s%-*s  %s\n", statusWidth, statusWord(r.Status), nameWidth, r.Name, r.Detail)
		if r.Status != hostcheck.OK && r.Fix != "" {
			fmt.Fprintf(w, "%sfix: %s\n", indent, r.Fix)
		}
	}
}

// statusWord shouts FAIL so it stands out among the oks and warns.
func statusWord(s hostcheck.Status) string {
	if s == hostcheck.Fail {
		return "FAIL"
	}
	return s.String()
}
