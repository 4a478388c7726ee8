package container

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file turns a record into the words `dockling ps` prints. The wording
// is docker's, so a learner can move between the two without surprise.

// HumanDuration says how long d is the way docker's ps does ("Up 3 minutes",
// "Exited (0) 2 days ago"). The thresholds are docker's (go-units): exact
// below an hour, rounded hours below two days, then days below two weeks,
// weeks below two months, months (of 30 days) below two years, then years.
func HumanDuration(d time.Duration) string {
	seconds := int(d.Seconds())
	switch {
	case seconds < 1:
		return "Less than a second"
	case seconds == 1:
		return "1 second"
	case seconds < 60:
		return fmt.Sprintf("%d seconds", seconds)
	}
	minutes := int(d.Minutes())
	switch {
	case minutes == 1:
		return "About a minute"
	case minutes < 60:
		return fmt.Sprintf("%d minutes", minutes)
	}
	// From here on docker rounds to the nearest hour, so 89 minutes is
	// "About an hour" and 90 minutes is "2 hours".
	hours := int(d.Hours() + 0.5)
	const day, week, month, year = 24, 24 * 7, 24 * 30, 24 * 365
	switch {
	case hours == 1:
		return "About an hour"
	case hours < 2*day:
		return fmt.Sprintf("%d hours", hours)
	case hours < 2*week:
		return fmt.Sprintf("%d days", hours/day)
	case hours < 2*month:
		return fmt.Sprintf("%d weeks", hours/week)
	case hours < 2*year:
		return fmt.Sprintf("%d months", hours/month)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/year)
}

// StatusString is ps's STATUS column: "Created", "Up 3 minutes" or
// "Exited (0) 2 seconds ago", measured from now.
func (c *Container) StatusString(now time.Time) string {
	st := c.State
	switch {
	case st.Status == Running:
		return "Up " + HumanDuration(now.Sub(st.StartedAt))
	case st.Status == Created || st.StartedAt.IsZero():
		// Never started: docker says Created even if a start failed.
		return "Created"
	case st.FinishedAt.IsZero():
		return fmt.Sprintf("Exited (%d)", st.ExitCode)
	}
	return fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, HumanDuration(now.Sub(st.FinishedAt)))
}

// argv is the container's whole command line. The record keeps it as
// docker does, Path plus the remaining Args; older or hand-made records may
// only have the runner's Config.Args.
func (c *Container) argv() []string {
	if c.Path != "" {
		return append([]string{c.Path}, c.Args...)
	}
	return c.Config.Args
}

// CommandString is ps --no-trunc's COMMAND column: "sh -c 'echo hi'".
// ps without --no-trunc shortens it to 20 characters (see PsRow).
func (c *Container) CommandString() string { return c.commandColumn(true) }

// commandLine is the command with shell quotes around arguments that need
// them, so sh -c 'echo hi' reads back the way it was typed.
func (c *Container) commandLine() string {
	args := c.argv()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// shellQuote wraps s in single quotes when a shell would split or expand
// it. A single quote inside closes the quotes, adds an escaped quote and
// reopens them:
//
//	it's  →  'it'\''s'
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Truncate shortens s to at most n characters, the last one an ellipsis,
// as docker's ps does to long commands. It counts runes, not bytes, so a
// multi-byte character is never cut in half.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if n == 1 {
		return string(r[:1])
	}
	return string(r[:n-1]) + "…"
}

// commandColumn is COMMAND as ps prints it: truncated to 20 characters
// unless noTrunc, then Go-quoted (docker quotes after truncating, with
// strconv.Quote, so a double quote inside shows as \").
func (c *Container) commandColumn(noTrunc bool) string {
	cmd := c.commandLine()
	if !noTrunc {
		cmd = Truncate(cmd, 20)
	}
	return strconv.Quote(cmd)
}
