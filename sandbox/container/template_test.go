package container

import (
	"bytes"
	"strings"
	"testing"
)

func TestTemplateFuncs(t *testing.T) {
	data := map[string]any{
		"Name":  "swift otter",
		"Args":  []string{"-c", "echo hi"},
		"Path":  "a,b,c",
		"State": map[string]any{"Status": "running", "Pid": 42},
		"HTML":  "a<b&c",
	}
	for _, tc := range []struct{ format, want string }{
		{"{{upper .Name}}", "SWIFT OTTER"},
		{"{{lower (upper .Name)}}", "swift otter"},
		{"{{title .Name}}", "Swift Otter"},
		{`{{join .Args "|"}}`, "-c|echo hi"},
		{`{{index (split .Path ",") 1}}`, "b"},
		{"{{truncate .Name 5}}", "swift"},
		{"{{pad .Name 1 2}}", " swift otter  "},
		{"{{json .State}}", `{"Pid":42,"Status":"running"}`},
		{"{{json .HTML}}", `"a<b&c"`},
		{`{{.Name}}\t{{.Path}}`, "swift otter\ta,b,c"},
	} {
		tmpl, err := Template(tc.format)
		if err != nil {
			t.Errorf("Template(%q): %v", tc.format, err)
			continue
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			t.Errorf("%q: %v", tc.format, err)
			continue
		}
		if buf.String() != tc.want {
			t.Errorf("%q printed %q, want %q", tc.format, buf.String(), tc.want)
		}
	}
}

func TestTemplateErrorIsOneLine(t *testing.T) {
	for _, bad := range []string{"{{.ID", "{{nosuchfunc .ID}}"} {
		_, err := Template(bad)
		if err == nil || !strings.HasPrefix(err.Error(), "invalid --format template: ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("Template(%q) error = %v; want one line starting with 'invalid --format template: '", bad, err)
		}
	}
}

func TestFormatterTable(t *testing.T) {
	rows := []PsRow{
		{ID: "abc123def456", Names: "web", Status: "Up 3 minutes"},
		{ID: "0123456789ab", Names: "a-much-longer-name", Status: "Created"},
	}
	var buf bytes.Buffer
	f, err := NewFormatter(&buf, `table {{.ID}}\t{{.Names}}\t{{.Status}}`, PsHeaders)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := f.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"CONTAINER ID   NAMES                STATUS\n" +
		"abc123def456   web                  Up 3 minutes\n" +
		"0123456789ab   a-much-longer-name   Created\n"
	if buf.String() != want {
		t.Errorf("table output:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestFormatterTableHeaderWithoutRows(t *testing.T) {
	var buf bytes.Buffer
	f, err := NewFormatter(&buf, DefaultPsFormat, PsHeaders)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
	if buf.String() != want {
		t.Errorf("empty table = %q, want %q", buf.String(), want)
	}
}

func TestFormatterHeaderFromFieldName(t *testing.T) {
	type row struct{ Size string }
	var buf bytes.Buffer
	f, _ := NewFormatter(&buf, "table {{.Size}}", nil)
	if err := f.Write(row{Size: "1kB"}); err != nil {
		t.Fatal(err)
	}
	f.Flush()
	if buf.String() != "SIZE\n1kB\n" {
		t.Errorf("header from field name: %q", buf.String())
	}
}

func TestFormatterPlainHasNoHeader(t *testing.T) {
	var buf bytes.Buffer
	f, _ := NewFormatter(&buf, "{{.Names}}", PsHeaders)
	f.Write(PsRow{Names: "web"})
	f.Flush()
	if buf.String() != "web\n" {
		t.Errorf("plain format printed %q, want %q", buf.String(), "web\n")
	}
}
