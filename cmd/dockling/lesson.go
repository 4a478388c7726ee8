package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/lessons"
)

func newLessonCmd() *cobra.Command {
	var langFlag string
	cmd := &cobra.Command{
		Use:   "lesson [NAME|N]",
		Short: "Read a lesson: what a step does, why, and how docker does the same",
		Long: `With no argument, lesson lists the course in order, numbered, each with a
one-line summary: from why containers exist, through the seven step lessons
(one for each "dockling step N", also found as "stepN"), to docker's
everyday commands and where to go next. With a name or a number it shows
that lesson.

On a terminal the lesson is rendered with colours by dockling-lessons, a
separate program installed beside dockling (so that dockling itself starts
fast). In a pipe or a file it is plain Markdown.

Lessons are written in English and Chinese. --lang picks one; without it the
locale decides (LC_ALL, LC_MESSAGES or LANG: zh_CN.UTF-8 means Chinese).`,
		Example: `  dockling lesson                  # list the lessons
  dockling lesson namespaces       # read one by name
  dockling lesson 8 --lang zh      # or by number, in Chinese
  dockling lesson step2            # the lesson about a step
  dockling lesson chroot > 01.md   # plain Markdown, to read anywhere`,
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
			if len(args) == 0 {
				return listLessons(cmd.OutOrStdout(), lang)
			}
			_, md, err := lessons.Get(lang, args[0])
			if err != nil {
				return err
			}
			return renderMarkdown(cmd.OutOrStdout(), md)
		},
	}
	cmd.Flags().StringVar(&langFlag, "lang", "", "language: en or zh (default from LC_ALL, LC_MESSAGES or LANG)")
	return cmd
}

// lessonListFooter tells, in the list's own language, how to read one.
var lessonListFooter = map[string]string{
	"en": "Read one with: dockling lesson NAME (or its number); --lang en|zh picks the language.",
	"zh": "阅读某一课：dockling lesson 名称（或编号）；用 --lang en|zh 选择语言。",
}

// listLessons prints one line per lesson, "N  name  summary", in course
// order.
func listLessons(w io.Writer, lang string) error {
	list, err := lessons.List(lang)
	if err != nil {
		return err
	}
	nameWidth := 0
	for _, l := range list {
		nameWidth = max(nameWidth, len(l.Name))
	}
	for _, l := range list {
		if _, err := fmt.Fprintf(w, "%d  %-*s  %s\n", l.Number, nameWidth, l.Name, l.Summary); err != nil {
			return fmt.Errorf("write the lesson list: %w", err)
		}
	}
	_, err = fmt.Fprintf(w, "\n%s\n", lessonListFooter[lang])
	return err
}
