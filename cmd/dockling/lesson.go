package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/lessons"
)

func newLessonCmd() *cobra.Command {
	var (
		langFlag       string
		noPager, reset bool
	)
	cmd := &cobra.Command{
		Use:   "lesson [NAME|N]",
		Short: "Read a lesson: what a step does, why, and how docker does the same",
		Long: `With no argument, lesson lists the course in order, numbered, each with a
one-line summary and a mark (✓, or [x] outside a UTF-8 locale) for the
lessons you have read: from why containers exist, through the seven step
lessons (one for each "dockling step N", also found as "stepN"), to docker's
everyday commands and where to go next. Below the list: how many you have
read and which one comes next. With a name or a number it shows that lesson
and marks it read, in whichever language you read it.

On a terminal the lesson is rendered with colours by dockling-lessons, a
separate program installed beside dockling (so that dockling itself starts
fast), and shown through a pager: $PAGER, or less with LESS=FRX (a lesson
that fits on the screen is just printed); --no-pager prints it straight
away. In a pipe or a file it is plain Markdown, with no escape codes.

Lessons are written in English and Chinese. --lang picks one; without it the
locale decides (LC_ALL, LC_MESSAGES or LANG: zh_CN.UTF-8 means Chinese).

` + progressHelp + `
--reset-progress forgets the lessons read (not the tour's step).`,
		Example: `  dockling lesson                  # the course, with what you have read
  dockling lesson namespaces       # read one by name
  dockling lesson 8 --lang zh      # or by number, in Chinese
  dockling lesson step2            # the lesson about a step
  dockling lesson chroot > 07.md   # plain Markdown, to read anywhere
  dockling lesson --reset-progress # start the course over`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("one lesson at a time, got %d names; use: dockling lesson NAME", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lang := langFor(langFlag)
			if err := lessons.CheckLang(lang); err != nil {
				return err
			}
			if reset && len(args) > 0 {
				return fmt.Errorf("--reset-progress forgets every lesson read and takes no lesson name; run: dockling lesson --reset-progress")
			}
			// Progress is a help, not a condition: without a home to keep it
			// in, or with the record unreadable, the lessons are still there.
			p, perr := openProgress()
			warn := func(err error, consequence string) {
				fmt.Fprintf(cmd.ErrOrStderr(), "dockling: %v (%s)\n", err, consequence)
			}
			if reset {
				if perr != nil {
					return perr
				}
				if err := p.forgetLessons(); err != nil {
					return err
				}
			}
			if len(args) == 0 {
				read := map[string]bool{}
				if perr == nil {
					read, perr = p.lessonsRead()
				}
				if perr != nil {
					warn(perr, "no lesson is shown as read")
					read = map[string]bool{}
				}
				return listLessons(cmd.OutOrStdout(), lang, read, listStyleFor(cmd.OutOrStdout()))
			}
			lesson, md, err := lessons.Get(lang, args[0])
			if err != nil {
				return err
			}
			if err := showLesson(cmd.OutOrStdout(), md, !noPager); err != nil {
				return err
			}
			if perr == nil {
				perr = p.markRead(lesson.Name)
			}
			if perr != nil {
				warn(perr, "the lesson is not marked read")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&langFlag, "lang", "", "language: en or zh (default from LC_ALL, LC_MESSAGES or LANG)")
	f.BoolVar(&noPager, "no-pager", false, "on a terminal, print the lesson instead of showing it in a pager")
	f.BoolVar(&reset, "reset-progress", false, "forget which lessons you have read, then list them")
	return cmd
}
