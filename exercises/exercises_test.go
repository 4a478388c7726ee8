package exercises

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dockling/dockling/lessons"
)

func TestNamesContainersAndTextAreWhole(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	names, containers := map[string]bool{}, map[string]bool{}
	for _, x := range All {
		if !kebab.MatchString(x.Name) || names[x.Name] {
			t.Errorf("exercise %q: want a unique kebab-case name", x.Name)
		}
		if containers[x.Container] {
			t.Errorf("exercise %s: container %q is used by another exercise; a learner keeps them all at once", x.Name, x.Container)
		}
		names[x.Name], containers[x.Container] = true, true
		if x.check == nil || len(x.Setup) == 0 {
			t.Errorf("exercise %s has no check or no setup", x.Name)
		}
		for _, s := range x.Setup {
			// The integration tests split these on spaces, as a shell would.
			if !strings.HasPrefix(s, "dockling ") || strings.ContainsAny(s, `'"\&|;`) {
				t.Errorf("exercise %s: setup %q: want a plain dockling command", x.Name, s)
			}
		}
		if !strings.Contains(x.Setup[0], "--name "+x.Container+" ") {
			t.Errorf("exercise %s: setup %q does not make container %s", x.Name, x.Setup[0], x.Container)
		}
	}
	for key, p := range text {
		if p.en == "" || p.zh == "" || p.en == p.zh {
			t.Errorf("text %q: en %q, zh %q; want both languages", key, p.en, p.zh)
		}
	}
	for _, x := range All {
		if _, ok := text["task-"+x.Name]; !ok {
			t.Errorf("exercise %s has no task in the text table", x.Name)
		}
	}
}

func TestListIsOneALineNameFirst(t *testing.T) {
	for _, lang := range lessons.Languages {
		var out bytes.Buffer
		if err := List(&out, lang); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != len(All) {
			t.Fatalf("%s: %d lines, want %d:\n%s", lang, len(lines), len(All), out.String())
		}
		for i, line := range lines {
			f := strings.Fields(line)
			if len(f) < 3 || f[0] != All[i].Name || f[1] != All[i].Lesson || !strings.HasSuffix(line, All[i].Task(lang)) {
				t.Errorf("%s: line %q, want %s, %s, then the task %q", lang, line, All[i].Name, All[i].Lesson, All[i].Task(lang))
			}
		}
	}
	if All[3].Task("zh") == All[3].Task("en") {
		t.Error("the Chinese task is the English one")
	}
}

func TestFindUnknownSaysHowToList(t *testing.T) {
	if x, err := Find("memory-limit"); err != nil || x.Container != "capped" {
		t.Errorf("Find(memory-limit) = %v, %v", x, err)
	}
	_, err := Find("memory-limits")
	want := `unknown exercise "memory-limits"; run "dockling check" to list them`
	if err == nil || err.Error() != want {
		t.Errorf("Find(memory-limits) error = %v, want %q", err, want)
	}
}

// Every step lesson ends with its exercises, and the commands it quotes
// are the ones the check expects, in both languages.
func TestEveryStepLessonQuotesItsExercises(t *testing.T) {
	heading := map[string]string{"en": "## Exercises", "zh": "## 练习"}
	for step := 0; step <= 6; step++ {
		name, ok := lessons.ForStep(step)
		if !ok {
			t.Fatalf("no lesson for step %d", step)
		}
		var mine []*Exercise
		for _, x := range All {
			if x.Lesson == name {
				mine = append(mine, x)
				if x.Step != step {
					t.Errorf("exercise %s: step %d, but lesson %s is step %d", x.Name, x.Step, name, step)
				}
			}
		}
		if len(mine) == 0 {
			t.Errorf("step %d (lesson %s) has no exercise", step, name)
		}
		for _, lang := range lessons.Languages {
			_, md, err := lessons.Get(lang, name)
			if err != nil {
				t.Fatal(err)
			}
			_, section, ok := strings.Cut(md, "\n"+heading[lang]+"\n")
			if !ok {
				t.Errorf("%s/%s: no %q section", lang, name, heading[lang])
				continue
			}
			code := codeLines(section)
			for _, x := range mine {
				for _, want := range append(append([]string{}, x.Setup...), "dockling check "+x.Name) {
					if !code[want] {
						t.Errorf("%s/%s: the exercises do not show %q in a code block", lang, name, want)
					}
				}
				if !strings.Contains(section, "### "+x.Name+"\n") {
					t.Errorf("%s/%s: no \"### %s\" heading", lang, name, x.Name)
				}
			}
		}
	}
}

// codeLines are the lines inside fenced code blocks.
func codeLines(md string) map[string]bool {
	out := map[string]bool{}
	in := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			in = !in
			continue
		}
		if in {
			out[strings.TrimSpace(line)] = true
		}
	}
	return out
}

func TestParseMountinfo(t *testing.T) {
	data := "66 42 0:40 / / rw,relatime - overlay overlay rw,lowerdir=a:b,upperdir=/s/upper,workdir=/s/work\n" +
		"72 66 254:0 /var/lib/my\\040dir /with\\040space rw,relatime shared:1 master:2 - ext4 /dev/vda rw\n" +
		"73 66 0:5 / / rw - tmpfs tmpfs rw\n" +
		"garbage\n"
	ms := parseMountinfo(data)
	if len(ms) != 3 {
		t.Fatalf("parsed %d mounts, want 3: %+v", len(ms), ms)
	}
	want := mount{root: "/var/lib/my dir", mountPoint: "/with space", fsType: "ext4", source: "/dev/vda", superOptions: "rw"}
	if ms[1] != want {
		t.Errorf("mount with optional fields and escapes = %+v, want %+v", ms[1], want)
	}
	if m, ok := mountAt(ms, "/"); !ok || m.fsType != "tmpfs" {
		t.Errorf("mountAt(/) = %+v, want the last mount there (tmpfs)", m)
	}
	if _, ok := mountAt(ms, "/notes"); ok {
		t.Error("mountAt(/notes) found a mount")
	}
}

func TestOverlayDirsResolvesShortLayerNames(t *testing.T) {
	upper, lowers := overlayDirs("rw,lowerdir=top:/abs/bottom,upperdir=/s/upper,workdir=/s/work,uuid=on", "/state/layers")
	if upper != "/s/upper" || !reflect.DeepEqual(lowers, []string{"/state/layers/top", "/abs/bottom"}) {
		t.Errorf("overlayDirs = %q, %q", upper, lowers)
	}
}

func TestDNATRulesPerChain(t *testing.T) {
	rules := done().nat
	rules = append(rules, "-A OUTPUT -p tcp --dport 9000 -j ACCEPT", "-A PREROUTING -p udp --dport 53 -j DNAT --to-destination 10.77.0.9:53")
	if got := dnatRules(rules, "PREROUTING"); !reflect.DeepEqual(got, []dnat{{8080, "10.77.0.2:80"}, {53, "10.77.0.9:53"}}) {
		t.Errorf("PREROUTING = %v", got)
	}
	if got := describeDNAT(dnatRules(rules, "OUTPUT")); got != "8080 -> 10.77.0.2:80" {
		t.Errorf("OUTPUT = %q (the ACCEPT rule is no DNAT)", got)
	}
	if got := describeDNAT(dnatRules(rules, "POSTROUTING")); got != "none" {
		t.Errorf("POSTROUTING = %q", got)
	}
}

// The memory limit is read from real files laid out as the kernel lays
// out each cgroup version.
func TestMemoryLimitReadsV1AndV2Trees(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.Dir(p)
	}
	cases := []struct {
		dir   string
		limit int64
		file  string
	}{
		{write("v1/memory/dockling/a/memory.limit_in_bytes", "67108864\n"), 64 << 20, "memory.limit_in_bytes"},
		{write("v1/memory/dockling/b/memory.limit_in_bytes", "9223372036854771712\n"), -1, "memory.limit_in_bytes"},
		{write("v2/dockling/a/memory.max", "67108864\n"), 64 << 20, "memory.max"},
		{write("v2/dockling/b/memory.max", "max\n"), -1, "memory.max"},
		{write("v2/dockling/c/cgroup.procs", "4242\n"), -1, ""}, // memory controller off
	}
	for _, c := range cases {
		limit, file, err := memoryLimit(hostKernel{}, c.dir)
		if err != nil || limit != c.limit || file != c.file {
			t.Errorf("memoryLimit(%s) = %d, %q, %v; want %d, %q", c.dir, limit, file, err, c.limit, c.file)
		}
	}
	bad := write("v2/dockling/d/memory.max", "lots\n")
	if _, _, err := memoryLimit(hostKernel{}, bad); err == nil || !strings.Contains(err.Error(), `"lots" is not a number`) {
		t.Errorf("memoryLimit on %q: %v", "lots", err)
	}
}

// Checking must not create a state root where there is none.
func TestHostKernelCreatesNothing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "none")
	k := newHostKernel(root)
	if rec, err := k.container("capped"); rec != nil || err != nil {
		t.Errorf("container(capped) = %v, %v; want none", rec, err)
	}
	if dir, err := k.volumeDir("notes"); dir != "" || err != nil {
		t.Errorf("volumeDir(notes) = %q, %v; want none", dir, err)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("%s was created", root)
	}
	x, _ := Find("memory-limit")
	r, err := x.Check(root)
	if err != nil || r.Pass || r.key != "no-container" || r.Hint != x.Setup[0] {
		t.Errorf("Check on an empty root = %+v, %v; want FAIL no-container with the setup as hint", r, err)
	}
}
