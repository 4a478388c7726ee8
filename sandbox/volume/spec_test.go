package volume

import (
	"strings"
	"testing"
)

func TestParseSpecForms(t *testing.T) {
	cases := []struct {
		in   string
		want Spec
	}{
		{"/srv/site:/www", Spec{Type: TypeBind, Source: "/srv/site", Destination: "/www"}},
		{"/srv/site:/www:ro", Spec{Type: TypeBind, Source: "/srv/site", Destination: "/www", ReadOnly: true}},
		{"/srv/site:/www:rw", Spec{Type: TypeBind, Source: "/srv/site", Destination: "/www"}},
		{"/srv//site/:/www/./html/", Spec{Type: TypeBind, Source: "/srv/site", Destination: "/www/html"}},
		{"/etc/hosts:/etc/hosts:ro", Spec{Type: TypeBind, Source: "/etc/hosts", Destination: "/etc/hosts", ReadOnly: true}},
		{"web-data:/data", Spec{Type: TypeVolume, Source: "web-data", Destination: "/data"}},
		{"db_1.v2:/var/lib/db:ro", Spec{Type: TypeVolume, Source: "db_1.v2", Destination: "/var/lib/db", ReadOnly: true}},
		{"/data", Spec{Type: TypeVolume, Destination: "/data"}},
		{"/data/../cache", Spec{Type: TypeVolume, Destination: "/cache"}},
	}
	for _, c := range cases {
		got, err := ParseSpec(c.in)
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseSpec(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
	if s, _ := ParseSpec("/data"); !s.Anonymous() {
		t.Error("-v /data is not anonymous")
	}
	if s, _ := ParseSpec("web:/data"); s.Anonymous() {
		t.Error("-v web:/data is anonymous")
	}
	if s, _ := ParseSpec("web:/data:ro"); s.Mode() != "ro" {
		t.Errorf("mode of :ro is %q", s.Mode())
	}
}

// Every error names the flag and says what to type instead, on one line.
func TestParseSpecErrors(t *testing.T) {
	cases := []struct{ in, says string }{
		{"./site:/www", `"$(pwd)/site:/www"`},
		{"site/x:/www", `"$(pwd)/site/x:/www"`},
		{"../up:/www", "is relative"},
		{".:/www", "is relative"},
		{"~/site:/www", `"$HOME/site:/www"`},
		{"/srv:www", `use a path such as /www`},
		{"/srv:./www", `not absolute`},
		{"web:", "container path is empty"},
		{"", "container path is empty"},
		{"data", "not absolute"},
		{"/srv:/", "cannot mount over the container's /"},
		{"/srv:/www/..", "cannot mount over the container's /"},
		{"/", "cannot mount over the container's /"},
		{":/www", "source before ':' is empty"},
		{"/srv:/www:rx", `unknown mode "rx"`},
		{"/srv:/www:", `unknown mode ""`},
		{"/srv:/www:ro,z", `unknown mode "ro,z"`},
		{"/a:/b:ro:x", "too many ':'"},
		{"/data:ro", "an anonymous volume takes no mode"},
		{"x:/data", "invalid volume name"},
		{"-bad:/data", "invalid volume name"},
		{"we b:/data", "invalid volume name"},
		{"web@1:/data", "invalid volume name"},
	}
	for _, c := range cases {
		_, err := ParseSpec(c.in)
		if err == nil {
			t.Errorf("ParseSpec(%q) accepted", c.in)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.says) || !strings.HasPrefix(msg, "-v ") || strings.Contains(msg, "\n") {
			t.Errorf("ParseSpec(%q) error %q; want one line starting -v and saying %q", c.in, msg, c.says)
		}
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"ab", "web-data", "a.b_c-1", "0day", strings.Repeat("f", 64)} {
		if err := ValidName(ok); err != nil {
			t.Errorf("ValidName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a", ".hidden", "_x", "-x", "a/b", "..", "../etc", "a b", "é1"} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
}

func TestParseSpecsRefusesDuplicateDestinations(t *testing.T) {
	specs, err := ParseSpecs([]string{"/srv:/www", "data:/data:ro", "/cache"})
	if err != nil || len(specs) != 3 {
		t.Fatalf("ParseSpecs = %+v, %v", specs, err)
	}
	_, err = ParseSpecs([]string{"/srv:/www", "web:/www/"})
	if err == nil || !strings.Contains(err.Error(), "both mount on /www") {
		t.Errorf("duplicate destination: %v", err)
	}
	if _, err := ParseSpecs([]string{"/srv:/www", "./x:/y"}); err == nil {
		t.Error("a bad spec in the list was accepted")
	}
}
