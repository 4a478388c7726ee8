package main

import (
	"strings"
	"testing"

	"github.com/dockling/dockling/lessons"
)

// Every `dockling ...` line a lesson shows in a code block must be a command
// the real command tree accepts, with flags it knows: a learner copies
// these lines as they are.
func TestLessonCommandLinesParse(t *testing.T) {
	checked := 0
	for _, lang := range lessons.Languages {
		list, err := lessons.List(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			_, md, err := lessons.Get(lang, l.Name)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range codeLines(md) {
				args := shellWords(line)
				if len(args) == 0 || args[0] != "dockling" {
					continue
				}
				checked++
				if err := parses(args[1:]); err != nil {
					t.Errorf("%s/%s: %q: %v", lang, l.Name, line, err)
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d dockling command lines found in the lessons; the extraction is broken", checked)
	}
}

// parses resolves args against the command tree and parses its flags.
func parses(args []string) error {
	root := newRootCmd()
	cmd, rest, err := root.Find(args)
	if err != nil {
		return err
	}
	if cmd == root {
		return errUnknown(args)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return err
	}
	positional := cmd.Flags().Args()
	if cmd.HasSubCommands() && len(positional) > 0 {
		return errUnknown(args) // e.g. "system df": a group without that command
	}
	if help, _ := cmd.Flags().GetBool("help"); help {
		return nil
	}
	return cmd.ValidateArgs(positional)
}

type errUnknown []string

func (e errUnknown) Error() string { return "no such dockling command: " + strings.Join(e, " ") }

// codeLines are the lines inside fenced code blocks, with a leading "$ "
// or "# " prompt removed and a trailing comment or pipe cut off.
func codeLines(md string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(md, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") {
			in = !in
			continue
		}
		if !in {
			continue
		}
		for _, p := range []string{"$ ", "# "} {
			trim = strings.TrimPrefix(trim, p)
		}
		out = append(out, trim)
	}
	return out
}

// shellWords splits a command line the way sh would for plain words and
// quotes, stopping at a comment, a pipe, a ; or a redirection: only the
// dockling command itself is checked.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	quote := rune(0)
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '#' && !inWord, r == '|', r == ';', r == '>', r == '<', r == '&':
			if inWord {
				words = append(words, cur.String())
			}
			return words
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
