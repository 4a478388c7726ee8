package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox/image"
)

func TestHumanDurationSpeaksDocker(t *testing.T) {
	for d, want := range map[time.Duration]string{
		500 * time.Millisecond: "Less than a second",
		time.Second:            "1 second",
		42 * time.Second:       "42 seconds",
		90 * time.Second:       "About a minute",
		2 * time.Minute:        "2 minutes",
		61 * time.Minute:       "About an hour",
		5 * time.Hour:          "5 hours",
		3 * 24 * time.Hour:     "3 days",
		20 * 24 * time.Hour:    "2 weeks",
		90 * 24 * time.Hour:    "3 months",
		800 * 24 * time.Hour:   "2 years",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 999: "999B", 5580: "5.58kB", 77_900_000: "77.9MB", 1_230_000_000: "1.23GB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPrintFormattedTableAndPlain(t *testing.T) {
	rows := []any{imageRow{Repository: "hostbox", Tag: "latest", ID: "c96fbb3ad516"}}
	var buf bytes.Buffer
	if err := printFormatted(&buf, `table {{.Repository}}\t{{.ID}}`, imageHeaders, rows); err != nil {
		t.Fatal(err)
	}
	if want := "REPOSITORY   IMAGE ID\nhostbox      c96fbb3ad516\n"; buf.String() != want {
		t.Errorf("table output:\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := printFormatted(&buf, `{{.Repository}}:{{.Tag}}`, imageHeaders, rows); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "hostbox:latest\n" {
		t.Errorf("plain output %q", buf.String())
	}
	if err := printFormatted(&buf, `{{.Nope}}`, imageHeaders, rows); err == nil {
		t.Errorf("unknown field: no error")
	}
}

func TestFilterImages(t *testing.T) {
	imgs := []*image.Image{{Ref: "hostbox:latest"}, {Ref: "hostbox:1"}, {Ref: "127.0.0.1:5000/box:latest"}}
	for arg, want := range map[string]int{"hostbox": 2, "hostbox:1": 1, "127.0.0.1:5000/box": 1, "nope": 0} {
		if got := len(filterImages(imgs, arg)); got != want {
			t.Errorf("filterImages(%q) kept %d, want %d", arg, got, want)
		}
	}
}

func TestParsePlatform(t *testing.T) {
	if p, err := parsePlatform("linux/arm64/v8"); err != nil || p.Architecture != "arm64" || p.Variant != "v8" {
		t.Errorf("parsePlatform = %+v, %v", p, err)
	}
	if _, err := parsePlatform("arm64"); err == nil {
		t.Errorf("parsePlatform(arm64): no error")
	}
}
