// Package exercises holds the tasks at the end of each step lesson and the
// checks behind `dockling check NAME`. A check never trusts dockling's own
// records for the answer: it asks the kernel (the container's /proc
// entries, its cgroup files, its mount table, the iptables rules and the
// links), so a learner who did the task by some other route passes too,
// and a record that claims more than the kernel shows fails.
package exercises

import (
	"fmt"
	"io"
	"strings"
)

// Exercise is one task and its check.
type Exercise struct {
	Name      string // kebab-case, what `dockling check NAME` takes
	Step      int    // the step whose lesson ends with this exercise
	Lesson    string // that lesson's name, for `dockling lesson LESSON`
	Container string // the container the task makes
	// Setup are the commands the lesson shows for the task, in order; the
	// hints repeat them, and a test checks the lessons quote them.
	Setup []string
	check func(k kernel, c found) verdict
}

// All are the exercises, in course order. Every container name is used by
// one exercise only, so a learner can keep all of them running at once.
var All = []*Exercise{
	{Name: "first-container", Step: 0, Lesson: "process", Container: "first",
		Setup: []string{"dockling run -d --name first hostbox sleep 1000"},
		check: checkFirstContainer},
	{Name: "own-root", Step: 1, Lesson: "chroot", Container: "rooted",
		Setup: []string{"dockling run -d --name rooted hostbox sleep 1000", "dockling exec rooted touch /hello"},
		check: checkOwnRoot},
	{Name: "own-hostname", Step: 2, Lesson: "namespaces", Container: "box",
		Setup: []string{"dockling run -d --name box --hostname classroom hostbox sleep 1000"},
		check: checkOwnHostname},
	{Name: "memory-limit", Step: 3, Lesson: "cgroups", Container: "capped",
		Setup: []string{"dockling run -d --name capped -m 64m hostbox sleep 1000"},
		check: checkMemoryLimit},
	{Name: "writable-layer", Step: 4, Lesson: "overlay", Container: "writer",
		Setup: []string{"dockling run -d --name writer hostbox sleep 1000", "dockling exec writer touch /root/note"},
		check: checkWritableLayer},
	{Name: "publish-port", Step: 5, Lesson: "network", Container: "web",
		Setup: []string{"dockling run -d --name web -p 8080:80 hostbox probe serve :80"},
		check: checkPublishPort},
	{Name: "named-volume", Step: 6, Lesson: "volumes", Container: "notes",
		Setup: []string{"dockling run -d --name notes -v notes:/notes hostbox sleep 1000", "dockling exec notes touch /notes/todo"},
		check: checkNamedVolume},
}

// Find returns the exercise called name.
func Find(name string) (*Exercise, error) {
	for _, x := range All {
		if x.Name == strings.TrimSpace(name) {
			return x, nil
		}
	}
	return nil, fmt.Errorf("unknown exercise %q; run \"dockling check\" to list them", name)
}

// Task is the one-line task in lang (English when lang has none).
func (x *Exercise) Task(lang string) string { return say(lang, "task-"+x.Name) }

// List writes the exercises one a line: name, lesson, task.
func List(w io.Writer, lang string) error {
	width := 0
	for _, x := range All {
		width = max(width, len(x.Name))
	}
	for _, x := range All {
		if _, err := fmt.Fprintf(w, "%-*s  %-10s  %s\n", width, x.Name, x.Lesson, x.Task(lang)); err != nil {
			return err
		}
	}
	return nil
}

// Check looks at the kernel's state under the state root and says whether
// the task is done. An error means the check itself could not run.
func (x *Exercise) Check(root string) (Result, error) {
	return x.run(newHostKernel(root))
}

func (x *Exercise) run(k kernel) (Result, error) {
	c, err := findRunning(k, x)
	if err != nil {
		return Result{}, err
	}
	v := c.verdict
	if v.key == "" {
		v = x.check(k, c)
	}
	if v.err != nil {
		return Result{}, fmt.Errorf("check %s: %w", x.Name, v.err)
	}
	return Result{Exercise: x.Name, Pass: v.pass, key: v.key, args: v.args, Hint: v.hint}, nil
}

// Result is what a check found.
type Result struct {
	Exercise string
	Pass     bool
	Hint     string // a command line to run; empty when passed
	key      string // the message, in the text table
	args     []any
}

// Detail is what was verified, or what differs, in lang.
func (r Result) Detail(lang string) string { return say(lang, r.key, r.args...) }

// Print writes "PASS name: what was verified", or "FAIL name: what
// differs" and a hint line.
func (r Result) Print(w io.Writer, lang string) error {
	if r.Pass {
		_, err := fmt.Fprintf(w, "PASS %s: %s\n", r.Exercise, r.Detail(lang))
		return err
	}
	_, err := fmt.Fprintf(w, "FAIL %s: %s\n%s %s\n", r.Exercise, r.Detail(lang), say(lang, "hint"), r.Hint)
	return err
}

// verdict is a check's answer before it is put into words.
type verdict struct {
	pass bool
	key  string // text table key
	args []any
	hint string
	err  error // the check could not look
}

func pass(key string, args ...any) verdict { return verdict{pass: true, key: key, args: args} }

func fail(hint, key string, args ...any) verdict { return verdict{key: key, args: args, hint: hint} }

func broken(err error) verdict { return verdict{err: err} }

// redo is the hint when the container exists but was made wrongly: remove
// it and make it again as the lesson says.
func (x *Exercise) redo() string {
	return "dockling rm -f " + x.Container + " && " + strings.Join(x.Setup, " && ")
}

// setup is the hint when there is no container at all.
func (x *Exercise) setup() string { return strings.Join(x.Setup, " && ") }

// found is the exercise's container, running, or the verdict that it is not.
type found struct {
	x       *Exercise
	pid     int    // its process, as the host numbers it
	id      string // its full ID (the name of its cgroup)
	verdict verdict
}

// findRunning finds the exercise's container by its exact name and checks
// its process is alive: every check reads the kernel's view of a running
// container.
func findRunning(k kernel, x *Exercise) (found, error) {
	f := found{x: x}
	rec, err := k.container(x.Container)
	if err != nil {
		return f, fmt.Errorf("check %s: %w", x.Name, err)
	}
	switch {
	case rec == nil:
		f.verdict = fail(x.setup(), "no-container", x.Container)
	case !rec.alive:
		f.verdict = fail("dockling start "+x.Container, "not-running", x.Container, rec.status)
	default:
		f.pid, f.id = rec.pid, rec.id
	}
	return f, nil
}
