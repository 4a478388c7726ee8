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

The last finished step is remembered, so a second tour resumes after it;
--from 0 starts over. Steps 1 and up need root. The tour speaks English or
Chinese: --lang, or else the locale (LC_ALL, LC_MESSAGES or LANG).

` + progressHelp,
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
			p, err := openProgress()
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "dockling: %v (the tour will not remember where you stopped)\n", err)
			}
			from := o.from
			if !cmd.Flags().Changed("from") {
				if last, ok := p.tourStep(); ok && last+1 < len(steps.All) {
					from = last + 1
					fmt.Fprintf(cmd.OutOrStdout(), tourTextFor(langFor(o.lang)).resuming, from)
				}
			}
			return runTour(cmd, from, o, p)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.from, "from", 0, "first step to show (default: after the last one you finished)")
	f.BoolVar(&o.auto, "auto", false, "presenter mode: pause about two seconds between sections, read no input")
	f.BoolVar(&o.noPause, "no-pause", false, "never wait between sections")
	f.StringVar(&o.lang, "lang", "", "language of the text: en or zh (default from LANG)")
	return cmd
}

func runTour(cmd *cobra.Command, from int, o tourOptions, p progress) error {
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
	t := tourTextFor(lang)
	w := cmd.OutOrStdout()
	in := bufio.NewReader(cmd.InOrStdin())
	for _, step := range steps.All[from:] {
		n := step.N
		fmt.Fprintf(w, t.header, n, step.Name)
		intro := "## " + step.Name + "\n\n" + step.Summary + "\n"
		if lesson, _, err := lessons.Get(lang, step.Name); err == nil {
			intro = "## " + lesson.Title + "\n\n" + lesson.Summary + "\n"
		}
		if err := renderMarkdown(w, intro); err != nil {
			return err
		}
		fmt.Fprint(w, t.onHost)
		hostname, _ := os.Hostname()
		fmt.Fprintf(w, t.lookHost, hostname, os.Getpid(), hostProcesses())
		demo := tourDemos(n, t)
		for _, r := range demo.runs {
			fmt.Fprintf(w, t.insideStep, n)
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
				fmt.Fprintln(w, t.notStopped)
			case err == nil:
			case r.failOK && errors.As(err, &ee):
				fmt.Fprintf(w, t.exitAsSaid, ee.ExitCode(), r.after)
			default:
				return fmt.Errorf("tour: the step %d (%s) demo failed unexpectedly: %v", n, step.Name, err)
			}
		}
		if len(demo.try) > 0 {
			fmt.Fprint(w, t.tryThis)
			for _, line := range demo.try {
				fmt.Fprintf(w, "  $ %s\n", line)
			}
		}
		fmt.Fprintf(w, t.wholeLess, step.Name)
		// Failing to remember the step is not worth stopping the tour for.
		_ = p.setTourStep(n)
		if n < len(steps.All)-1 {
			tourPause(w, in, o, t)
		}
	}
	fmt.Fprint(w, t.done)
	return nil
}

func tourPause(w io.Writer, in *bufio.Reader, o tourOptions, t tourText) {
	switch {
	case o.noPause:
	case o.auto:
		time.Sleep(2 * time.Second)
	default:
		fmt.Fprint(w, t.pressEnter)
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
