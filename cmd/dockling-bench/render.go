package main

import (
	"bytes"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dockling/dockling/lessons"
)

// renderOnly switches the benchmark from container starts to lesson
// rendering (`make bench` runs both, the latter with fewer runs).
var renderOnly = flag.Bool("render", false, "time dockling-lessons rendering every lesson in every language instead (no root needed)")

// renderTarget is the most a lesson may take to render, start to finish,
// as the learner waits for it: the dockling-lessons process starting
// (glamour's package init included), rendering and re-wrapping.
const renderTarget = 150 * time.Millisecond

// benchRender runs the real dockling-lessons on every lesson, en and zh,
// forced to render as for an 80-column terminal, runs times each, and
// reports the median and the slowest run per lesson. It fails when a
// lesson's median is over renderTarget; a single slow run on a busy
// machine is reported, not failed.
func benchRender(bin string, runs int) error {
	renderer, err := filepath.Abs(filepath.Join(bin, "dockling-lessons"))
	if err != nil {
		return err
	}
	args := func(lang, name string) []string {
		return []string{renderer, "--lang", lang, "--force-color", "--width", "80", name}
	}
	fmt.Printf("rendering each lesson with dockling-lessons --force-color --width 80, %d runs each\n\n", runs)
	// An empty document (stdin is /dev/null): what starting the renderer
	// costs before there is any lesson to render.
	startup, _, err := timeRender([]string{renderer, "--force-color", "--width", "80", "-"}, runs)
	if err != nil {
		return fmt.Errorf("%s does not run: %v; build it with make build", renderer, err)
	}
	fmt.Printf("%-24s %10s\n\n", "start-up, empty input", round(startup))

	fmt.Printf("%-24s %10s %10s %10s %10s\n", "lesson", "en median", "en max", "zh median", "zh max")
	var worstMedian, worstMax time.Duration
	var worstName string
	over, slowRuns := []string{}, 0
	list, err := lessons.List(lessons.Languages[0])
	if err != nil {
		return err
	}
	for _, l := range list {
		row := fmt.Sprintf("%-24s", fmt.Sprintf("%d %s", l.Number, l.Name))
		for _, lang := range lessons.Languages {
			med, slowest, err := timeRender(args(lang, l.Name), runs)
			if err != nil {
				return fmt.Errorf("render %s in %s: %v", l.Name, lang, err)
			}
			row += fmt.Sprintf(" %10s %10s", round(med), round(slowest))
			if med > worstMedian {
				worstMedian, worstName = med, lang+" "+l.Name
			}
			worstMax = max(worstMax, slowest)
			if med > renderTarget {
				over = append(over, lang+" "+l.Name)
			}
			if slowest > renderTarget {
				slowRuns++
			}
		}
		fmt.Println(row)
	}
	fmt.Printf("\nslowest median %s (%s), slowest single run %s; target: every lesson under %s\n",
		round(worstMedian), worstName, round(worstMax), renderTarget)
	if slowRuns > 0 {
		fmt.Printf("%d lesson(s) had a run over %s (a busy machine can do that; the medians decide)\n", slowRuns, renderTarget)
	}
	if len(over) > 0 {
		return fmt.Errorf("rendering takes more than %s (median) for: %s", renderTarget, strings.Join(over, ", "))
	}
	fmt.Printf("all lessons render in under %s\n", renderTarget)
	return nil
}

// timeRender runs args n times, checks that the first run did render (it
// has colour codes), and returns the median and the slowest time.
func timeRender(args []string, n int) (med, slowest time.Duration, err error) {
	times := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		cmd := exec.Command(args[0], args[1:]...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("%v: %s", err, errOut.String())
		}
		times = append(times, time.Since(start))
		if i == 0 && args[len(args)-1] != "-" && !bytes.Contains(out.Bytes(), []byte("\x1b[")) {
			return 0, 0, fmt.Errorf("%s printed no colours: it did not render", strings.Join(args, " "))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], times[len(times)-1], nil
}
