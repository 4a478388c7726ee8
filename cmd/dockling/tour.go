package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dockling/dockling/lessons"
	"github.com/dockling/dockling/steps"
	"github.com/spf13/cobra"
)

type tourOptions struct {
	from          int
	auto, noPause bool
	lang          string
}

func newTourCmd() *cobra.Command {
	var o tourOptions
	cmd := &cobra.Command{
		Use:   "tour [--from N] [--auto] [--no-pause] [--lang en|zh]",
		Short: "The workshop walk: every step's idea, then a live before/after demo",
		Long: `tour walks the steps in order. For each one it prints the lesson's summary,
runs the same look on the host and inside the step so you can see what the
layer changed, and suggests a command or two to try yourself. It waits for
Enter between steps (--no-pause: don't; --auto: pause two seconds instead,
for a presenter).

The last finished step is remembered in $XDG_STATE_HOME/dockling/tour, so a
second tour resumes after it; --from 0 starts over. Steps 1 and up need root.`,
		Example: `  sudo dockling tour              # the whole walk, from where you left off
  sudo dockling tour --from 3     # start at cgroups
  sudo dockling tour --auto       # presenter mode: no Enter needed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("lang") {
				if err := lessons.CheckLang(o.lang); err != nil {
					return err
				}
			}
			from := o.from
			if !cmd.Flags().Changed("from") {
				if last, ok := readTourProgress(); ok && last+1 < len(steps.All) {
					from = last + 1
					fmt.Fprintf(cmd.OutOrStdout(), "Resuming at step %d (use --from 0 to start over)\n", from)
				}
			}
			return runTour(cmd, from, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.from, "from", 0, "first step to show (default: after the last one you finished)")
	f.BoolVar(&o.auto, "auto", false, "presenter mode: pause about two seconds between sections, read no input")
	f.BoolVar(&o.noPause, "no-pause", false, "never wait between sections")
	f.StringVar(&o.lang, "lang", "", "language of the text: en or zh (default from LANG)")
	return cmd
}

// tourDemo is the live part of one step: what to run inside it, and how
// to read the result.
type tourDemo struct {
	runs []tourRun
	try  []string // command lines a learner can type next
}

type tourRun struct {
	args     []string // after "dockling step N"
	announce string   // printed before running, e.g. a deliberate failure
	failOK   bool     // a non-zero exit is the point of the demo
	after    string   // printed after a run that failed as expected
}

// tourLook is what steps 0-2 run both on the host and inside the step.
const tourLook = `echo "hostname: $(hostname)   my PID: $$   processes I can see: $(ls -d /proc/[0-9]* 2>/dev/null | wc -l)"; head -1 /etc/os-release 2>/dev/null || echo "(no /etc/os-release)"`

func tourDemos(n int) tourDemo {
	sh := func(s string) []string { return []string{"-q", "--", "sh", "-c", s} }
	switch n {
	case 0:
		return tourDemo{runs: []tourRun{{args: sh(tourLook)}},
			try: []string{"dockling step 0 -- ps -e | head", "dockling step 0 --explain -- true"}}
	case 1:
		return tourDemo{runs: []tourRun{{args: sh(tourLook)}},
			try: []string{"sudo dockling step 1 --escape", "sudo dockling step 1 -- ls /"}}
	case 2:
		return tourDemo{runs: []tourRun{{args: sh(tourLook)}},
			try: []string{"sudo dockling step 2 --explain -- hostname", "sudo dockling step 2 --escape"}}
	case 3:
		return tourDemo{runs: []tourRun{{
			args:     []string{"-q", "-m", "32m", "--", "probe", "hog", "100m"},
			announce: "Expected failure: this program asks for 100 MiB inside a 32 MiB memory cgroup; the kernel's OOM killer should stop it.",
			failOK:   true,
			after:    "That non-zero exit was the point: the cgroup's memory limit held, and the kernel killed the process instead of letting it take the host's memory.",
		}}, try: []string{"sudo dockling step 3 --pids-limit 20 -- probe fork 100", "sudo dockling step 3 --cpus 0.5 -- probe spin 3s"}}
	case 4:
		return tourDemo{runs: []tourRun{
			{args: sh(`echo hello > /root/tour-file; ls -l /root/tour-file`)},
			{args: sh(`ls /root/tour-file 2>/dev/null || echo "/root/tour-file is gone: the last run's writable layer was deleted"`)},
		}, try: []string{"sudo dockling step 4 -- sh -c 'rm /etc/os-release; ls /etc'"}}
	case 5:
		return tourDemo{runs: []tourRun{{args: sh(`ip -br addr 2>/dev/null || cat /proc/net/dev`)}},
			try: []string{"sudo dockling step 5 -p 8080:80 -- probe serve :80   # then: curl 127.0.0.1:8080"}}
	case 6:
		return tourDemo{runs: []tourRun{{args: []string{"-q", "-v", "tour-notes:/notes", "--", "sh", "-c", "date >> /notes/log; cat /notes/log"}}},
			try: []string{"sudo dockling step 6 -v tour-notes:/notes -- cat /notes/log", "sudo dockling volume rm tour-notes"}}
	}
	return tourDemo{}
}

func runTour(cmd *cobra.Command, from int, o tourOptions) error {
	if _, err := steps.Get(from); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return errors.New("the tour runs steps 1 and up, which need root (they change / and create namespaces); run: sudo dockling tour")
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the dockling binary to run the steps: %w", err)
	}
	lang := langFor(o.lang)
	w := cmd.OutOrStdout()
	in := bufio.NewReader(cmd.InOrStdin())
	for _, step := range steps.All[from:] {
		n := step.N
		fmt.Fprintf(w, "\n==== Step %d: %s ====\n\n", n, step.Name)
		intro := "## " + step.Name + "\n\n" + step.Summary + "\n"
		if lesson, _, err := lessons.Get(lang, step.Name); err == nil {
			intro = "## " + lesson.Title + "\n\n" + lesson.Summary + "\n"
		}
		if err := renderMarkdown(w, intro); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n-- On the host:\n")
		hostname, _ := os.Hostname()
		fmt.Fprintf(w, "hostname: %s   my PID: %d   processes I can see: %d\n", hostname, os.Getpid(), hostProcesses())
		demo := tourDemos(n)
		for _, r := range demo.runs {
			fmt.Fprintf(w, "\n-- Inside step %d:\n", n)
			if r.announce != "" {
				fmt.Fprintln(w, r.announce)
			}
			fmt.Fprintf(w, "$ dockling step %d %s\n", n, shellJoin(r.args))
			c := exec.Command(self, append([]string{"step", strconv.Itoa(n)}, r.args...)...)
			c.Stdin, c.Stdout, c.Stderr = nil, w, cmd.ErrOrStderr()
			err := c.Run()
			var ee *exec.ExitError
			switch {
			case err == nil && r.failOK:
				fmt.Fprintln(w, "(It was not stopped this time: the limit may not be enforced on this kernel.)")
			case err == nil:
			case r.failOK && errors.As(err, &ee):
				fmt.Fprintf(w, "(exit %d, as announced) %s\n", ee.ExitCode(), r.after)
			default:
				return fmt.Errorf("tour: the step %d (%s) demo failed unexpectedly: %v", n, step.Name, err)
			}
		}
		if len(demo.try) > 0 {
			fmt.Fprintln(w, "\nTry this:")
			for _, t := range demo.try {
				fmt.Fprintf(w, "  $ %s\n", t)
			}
		}
		writeTourProgress(n)
		if n < len(steps.All)-1 {
			tourPause(w, in, o)
		}
	}
	fmt.Fprintln(w, "\nThat was every step. Next: dockling lesson, or dockling run -it --rm hostbox sh")
	return nil
}

func tourPause(w io.Writer, in *bufio.Reader, o tourOptions) {
	switch {
	case o.noPause:
	case o.auto:
		time.Sleep(2 * time.Second)
	default:
		fmt.Fprint(w, "\nPress Enter to go on ")
		_, _ = in.ReadString('\n')
	}
}

func hostProcesses() int {
	m, _ := filepath.Glob("/proc/[0-9]*")
	return len(m)
}

func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$;|&<>()*?\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// tourStateFile is $XDG_STATE_HOME/dockling/tour, or ~/.local/state/dockling/tour.
func tourStateFile() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "dockling", "tour")
}

func readTourProgress() (int, bool) {
	p := tourStateFile()
	if p == "" {
		return 0, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n < 0 || n >= len(steps.All) {
		return 0, false
	}
	return n, true
}

// writeTourProgress remembers the last finished step; failing to is not
// worth stopping the tour for.
func writeTourProgress(n int) {
	p := tourStateFile()
	if p == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	_ = os.WriteFile(p, []byte(strconv.Itoa(n)+"\n"), 0o644)
}
