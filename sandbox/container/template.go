package container

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"text/template"
	"unicode"
)

// --format, as docker has it: a Go text/template run once per container
// (or image), with a few helper functions. A format that starts with
// "table" also prints a header row and lines the columns up.

// tablePrefix marks a table format: "table {{.ID}}\t{{.Names}}".
const tablePrefix = "table"

// IsTable reports whether format asks for a table with a header row.
func IsTable(format string) bool {
	return strings.HasPrefix(strings.TrimSpace(format), tablePrefix)
}

// templateFuncs are docker's template functions, under docker's names.
var templateFuncs = template.FuncMap{
	"json":     toJSON,
	"upper":    strings.ToUpper,
	"lower":    strings.ToLower,
	"join":     strings.Join,
	"split":    strings.Split,
	"title":    title,
	"truncate": truncateTo,
	"pad":      pad,
}

// Template parses a --format value. It drops the "table" prefix and, as
// docker does, turns the two characters \t and \n into a tab and a
// newline, because shells pass '{{.ID}}\t{{.Names}}' through literally.
// "json" alone means one JSON object per line, as in recent docker.
func Template(format string) (*template.Template, error) {
	text := strings.TrimSpace(format)
	if text == "json" {
		text = "{{json .}}"
	}
	text = strings.TrimSpace(strings.TrimPrefix(text, tablePrefix))
	text = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(text)
	t, err := template.New("format").Funcs(templateFuncs).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("invalid --format template: %s", oneLine(err.Error()))
	}
	return t, nil
}

// Formatter prints values one line each through a --format template. For a
// table it prints the header first and aligns the columns at Flush.
type Formatter struct {
	tmpl    *template.Template
	out     io.Writer
	tw      *tabwriter.Writer // nil unless a table
	headers map[string]string
	started bool
}

// NewFormatter prepares format for writing to w. headers names each field's
// column title for a table ("ID" → "CONTAINER ID"); fields it does not
// name get their own name in capitals.
func NewFormatter(w io.Writer, format string, headers map[string]string) (*Formatter, error) {
	t, err := Template(format)
	if err != nil {
		return nil, err
	}
	f := &Formatter{tmpl: t, out: w, headers: headers}
	if IsTable(format) {
		// docker's spacing: columns at least 10 wide, 3 spaces between.
		f.tw = tabwriter.NewWriter(w, 10, 1, 3, ' ', 0)
		f.out = f.tw
	}
	return f, nil
}

// Write prints v through the template, followed by a newline.
func (f *Formatter) Write(v any) error {
	f.header(v)
	var buf bytes.Buffer
	if err := Execute(f.tmpl, &buf, v); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := f.out.Write(buf.Bytes())
	return err
}

// Flush ends the output; a table with no rows still gets its header, as in
// docker.
func (f *Formatter) Flush() error {
	f.header(nil)
	if f.tw != nil {
		return f.tw.Flush()
	}
	return nil
}

// header runs the template once on the column titles instead of a row, so
// {{.ID}} prints "CONTAINER ID". A template the titles cannot satisfy (say
// {{.State.Pid}}, a field of a field) simply gets no header.
func (f *Formatter) header(row any) {
	if f.started {
		return
	}
	f.started = true
	if f.tw == nil {
		return
	}
	var buf bytes.Buffer
	t := template.Must(f.tmpl.Clone()).Option("missingkey=zero")
	if err := t.Execute(&buf, titles(row, f.headers)); err != nil {
		return
	}
	buf.WriteByte('\n')
	_, _ = f.tw.Write(buf.Bytes())
}

// titles maps every field of row's struct type to its column title: the
// one headers gives, or else the field's name in capitals. text/template
// reads {{.ID}} from a map as the key "ID", so the map stands in for a row.
func titles(row any, headers map[string]string) map[string]string {
	out := map[string]string{}
	if rv := reflect.Indirect(reflect.ValueOf(row)); rv.Kind() == reflect.Struct {
		for _, sf := range reflect.VisibleFields(rv.Type()) {
			if sf.IsExported() {
				out[sf.Name] = strings.ToUpper(sf.Name)
			}
		}
	}
	for k, v := range headers {
		out[k] = v
	}
	return out
}

func toJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "a<b" stays readable, as in docker
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// title capitalises the first letter of every word: "hello world" →
// "Hello World" (strings.Title does this but is deprecated).
func title(s string) string {
	prev := ' '
	return strings.Map(func(r rune) rune {
		defer func() { prev = r }()
		if !unicode.IsLetter(prev) && !unicode.IsDigit(prev) && prev != '\'' {
			return unicode.ToTitle(r)
		}
		return r
	}, s)
}

// truncateTo keeps the first n characters of s, with no ellipsis: docker's
// template truncate, unlike ps's column truncation.
func truncateTo(s string, n int) string {
	r := []rune(s)
	if n < 0 || len(r) <= n {
		return s
	}
	return string(r[:n])
}

// pad surrounds s with spaces: {{pad .Name 1 1}}.
func pad(s string, before, after int) string {
	return strings.Repeat(" ", max(before, 0)) + s + strings.Repeat(" ", max(after, 0))
}

// oneLine keeps an error on one line, as every dockling error is.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Execute runs t on v and, if that fails, once more on v's JSON form: the
// JSON spells some names differently from the Go fields ({{.Id}} but
// InspectInfo.ID), and docker's inspect accepts both the same way. Numbers
// are kept as json.Number so 67108864 does not print as 6.7108864e+07.
func Execute(t *template.Template, w io.Writer, v any) error {
	var buf bytes.Buffer
	err := t.Execute(&buf, v)
	if err != nil {
		raw, jerr := json.Marshal(v)
		if jerr != nil {
			return fmt.Errorf("invalid --format template: %s", oneLine(err.Error()))
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var generic any
		buf.Reset()
		if dec.Decode(&generic) != nil || t.Execute(&buf, generic) != nil {
			return fmt.Errorf("invalid --format template: %s", oneLine(err.Error()))
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}
