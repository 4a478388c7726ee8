package exercises

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A case is one machine state: done() with one change, and what the check
// must then say.
type checkCase struct {
	exercise string
	what     string
	change   func(k *fakeKernel)
	key      string // the message; pass-... or a failure
	hint     string // "" for a pass
	mentions []string
}

var checkCases = []checkCase{
	// Every check first wants its container, running.
	{"memory-limit", "no container", func(k *fakeKernel) { k.rec = nil },
		"no-container", "dockling run -d --name capped -m 64m hostbox sleep 1000", []string{"capped"}},
	{"own-root", "no container", func(k *fakeKernel) { k.rec = nil },
		"no-container", "dockling run -d --name rooted hostbox sleep 1000 && dockling exec rooted touch /hello", nil},
	{"first-container", "stopped", func(k *fakeKernel) { k.rec.alive, k.rec.status = false, "exited (137)" },
		"not-running", "dockling start first", []string{"exited (137)"}},

	{"first-container", "done", nil, "pass-first-container", "", []string{"4242", innerNS, hostNS, "PID 1"}},
	{"first-container", "another program", func(k *fakeKernel) { k.files["/proc/4242/comm"] = "sh\n" },
		"wrong-program", redo("first"), []string{"want sleep, got sh"}},
	{"first-container", "host PID namespace", func(k *fakeKernel) { k.links["/proc/4242/ns/pid"] = "pid:[" + hostNS + "]" },
		"host-ns", redo("first"), []string{"PID namespace", hostNS}},

	{"own-root", "done", nil, "pass-own-root", "", []string{"inode 9995698 on device 0:40", "inode 2 on device"}},
	{"own-root", "the host's /", func(k *fakeKernel) { k.stats["/proc/4242/root"] = k.stats["/"] },
		"host-root", redo("rooted"), nil},
	{"own-root", "no /hello", func(k *fakeKernel) { delete(k.present, "/proc/4242/root/hello") },
		"no-file", "dockling exec rooted touch /hello", []string{"/hello"}},

	{"own-hostname", "done", nil, "pass-own-hostname", "", []string{"uts:[4026532399]", "classroom"}},
	{"own-hostname", "host UTS namespace", func(k *fakeKernel) { k.links["/proc/4242/ns/uts"] = "uts:[4026531838]" },
		"host-ns", redo("box"), []string{"UTS"}},
	{"own-hostname", "another hostname", func(k *fakeKernel) { k.uname = "85c1dfdb656c" },
		"wrong-hostname", redo("box"), []string{"want classroom, got 85c1dfdb656c"}},
	{"own-hostname", "not PID 1", func(k *fakeKernel) { k.files["/proc/4242/status"] = "NSpid:\t4242\t7\n" },
		"not-pid1", redo("box"), []string{"want 1, got 7"}},

	{"memory-limit", "done (v1)", nil, "pass-memory-limit", "", []string{"memory.limit_in_bytes reads 67108864 (64 MiB)"}},
	{"memory-limit", "done (v2)", func(k *fakeKernel) {
		k.cgDir = "/sys/fs/cgroup/dockling/" + id
		k.files[k.cgDir+"/memory.max"] = "67108864\n"
	}, "pass-memory-limit", "", []string{"/sys/fs/cgroup/dockling/" + id + "/memory.max reads 67108864"}},
	{"memory-limit", "32 MiB", func(k *fakeKernel) { k.files[k.cgDir+"/memory.limit_in_bytes"] = "33554432\n" },
		"wrong-memory-limit", redo("capped"), []string{"want 64 MiB, got 32 MiB"}},
	{"memory-limit", "no limit (v1)", func(k *fakeKernel) { k.files[k.cgDir+"/memory.limit_in_bytes"] = "9223372036854771712\n" },
		"no-memory-limit", redo("capped"), []string{"want 64 MiB, got none"}},
	{"memory-limit", "no limit (v2)", func(k *fakeKernel) {
		k.cgDir = "/sys/fs/cgroup/dockling/" + id
		k.files[k.cgDir+"/memory.max"] = "max\n"
	}, "no-memory-limit", redo("capped"), nil},
	{"memory-limit", "no memory controller (v2)", func(k *fakeKernel) { k.cgDir = "/sys/fs/cgroup/dockling/" + id },
		"no-memory-limit", redo("capped"), nil},
	{"memory-limit", "not in its cgroup", func(k *fakeKernel) { k.cgProcs = []int{1, 77} },
		"not-in-cgroup", redo("capped"), []string{"process 4242"}},
	{"memory-limit", "no cgroup", func(k *fakeKernel) { k.cgErr = errors.New(`no cgroup for container "x"`) },
		"no-cgroup", redo("capped"), []string{"no cgroup for container"}},

	{"writable-layer", "done", nil, "pass-writable-layer", "", []string{upper, "none of its 2 read-only"}},
	{"writable-layer", "no file yet", func(k *fakeKernel) { delete(k.present, upper+"/root/note") },
		"no-upper-file", "dockling exec writer touch /root/note", []string{"/root/note", upper}},
	{"writable-layer", "file in the image", func(k *fakeKernel) { k.present["/state/layers/0b7c11de/root/note"] = true },
		"lower-has-file", redo("writer"), []string{"/state/layers/0b7c11de"}},
	{"writable-layer", "not an overlay", func(k *fakeKernel) {
		k.files["/proc/4242/mountinfo"] = "66 42 254:0 /srv/root / rw - ext4 /dev/vda rw\n"
	}, "root-not-overlay", redo("writer"), []string{"got ext4"}},

	{"publish-port", "done", nil, "pass-publish-port-DNAT", "", []string{"10.77.0.2", "vd85c1dfdb6", "dockling0", "10.77.0.2:80", "127.0.0.1:8080 answers"}},
	{"publish-port", "other port", func(k *fakeKernel) {
		for i := range k.nat {
			k.nat[i] = strings.Replace(k.nat[i], "8080", "8081", 1)
		}
	}, "no-dnat", redo("web"), []string{"PREROUTING", "got 8081 -> 10.77.0.2:80"}},
	{"publish-port", "PREROUTING only", func(k *fakeKernel) { k.nat = k.nat[:2] },
		"no-dnat", redo("web"), []string{"nat OUTPUT", "got none"}},
	{"publish-port", "nothing listens", func(k *fakeKernel) { k.dialErr = errors.New("connection refused") },
		"no-answer", redo("web"), []string{"127.0.0.1:8080", "connection refused"}},
	{"publish-port", "no network", func(k *fakeKernel) { k.netErr = errors.New("eth0: Link not found") },
		"no-eth0", redo("web"), []string{"Link not found"}},
	{"publish-port", "veth off the bridge", func(k *fakeKernel) { k.devices[5] = link{name: "vd85c1dfdb6", kind: "veth"} },
		"not-on-bridge", redo("web"), []string{"want dockling0, got vd85c1dfdb6 (veth) on no bridge"}},
	{"publish-port", "proxy (no iptables)", func(k *fakeKernel) {
		k.iptables, k.nat = false, nil
		k.files["/proc/net/tcp6"] = "  sl  local_address rem_address   st\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A\n"
	}, "pass-publish-port-proxy", "", []string{"proxy on port 8080"}},
	{"publish-port", "no proxy (no iptables)", func(k *fakeKernel) {
		k.iptables, k.nat = false, nil
		k.files["/proc/net/tcp"] = "  sl  local_address rem_address   st\n   0: 00000000:1F91 00000000:0000 0A\n   1: 0100007F:1F90 0100007F:9C40 01\n"
	}, "no-proxy", redo("web"), []string{"port 8080"}},

	{"named-volume", "done", nil, "pass-named-volume", "", []string{"/notes", "/state/volumes/notes/_data", "todo"}},
	{"named-volume", "no volume", func(k *fakeKernel) { k.volume = "" },
		"no-volume", redo("notes"), []string{"notes"}},
	{"named-volume", "not mounted", func(k *fakeKernel) {
		k.files["/proc/4242/mountinfo"] = strings.Split(k.files["/proc/4242/mountinfo"], "72 66")[0]
	}, "not-mounted", redo("notes"), []string{"/notes"}},
	{"named-volume", "another directory", func(k *fakeKernel) { k.stats["/proc/4242/root/notes"] = fileID{dev: 65024, ino: 7} },
		"wrong-mount", redo("notes"), []string{"inode 7", "inode 9994385"}},
	{"named-volume", "no file", func(k *fakeKernel) { delete(k.present, "/state/volumes/notes/_data/todo") },
		"no-volume-file", "dockling exec notes touch /notes/todo", []string{"todo"}},
}

// redo is the hint for a container made wrongly: remove it, make it again.
func redo(container string) string {
	for _, x := range All {
		if x.Container == container {
			return "dockling rm -f " + container + " && " + strings.Join(x.Setup, " && ")
		}
	}
	panic("no exercise makes " + container)
}

func TestChecksPassAndFailOnTheKernelsState(t *testing.T) {
	seenPass := map[string]bool{}
	seenFail := map[string]bool{}
	for _, c := range checkCases {
		x, err := Find(c.exercise)
		if err != nil {
			t.Fatal(err)
		}
		k := done()
		if c.change != nil {
			c.change(k)
		}
		r, err := x.run(k)
		if err != nil {
			t.Errorf("%s, %s: %v", c.exercise, c.what, err)
			continue
		}
		wantPass := c.hint == ""
		if r.Pass != wantPass || r.key != c.key || r.Hint != c.hint {
			t.Errorf("%s, %s: pass %v, %q, hint %q; want pass %v, %q, hint %q (%s)",
				c.exercise, c.what, r.Pass, r.key, r.Hint, wantPass, c.key, c.hint, r.Detail("en"))
			continue
		}
		if wantPass {
			seenPass[c.exercise] = true
		} else {
			seenFail[c.exercise] = true
		}
		for _, lang := range []string{"en", "zh"} {
			var out bytes.Buffer
			if err := r.Print(&out, lang); err != nil {
				t.Fatal(err)
			}
			printed := out.String()
			if strings.Contains(printed, "%!") {
				t.Errorf("%s, %s, %s: bad format: %s", c.exercise, c.what, lang, printed)
			}
			first, rest, _ := strings.Cut(printed, "\n")
			wantStart := map[bool]string{true: "PASS ", false: "FAIL "}[wantPass] + x.Name + ": "
			if !strings.HasPrefix(first, wantStart) {
				t.Errorf("%s, %s, %s: first line %q, want it to start %q", c.exercise, c.what, lang, first, wantStart)
			}
			if wantPass && rest != "" || !wantPass && rest != say(lang, "hint")+" "+c.hint+"\n" {
				t.Errorf("%s, %s, %s: after the first line %q; want the hint line only when failed", c.exercise, c.what, lang, rest)
			}
			if lang == "en" && !wantPass && !strings.Contains(first, "want") {
				t.Errorf("%s, %s: %q does not say what it wants", c.exercise, c.what, first)
			}
			for _, m := range c.mentions {
				if lang == "en" && !strings.Contains(first, m) {
					t.Errorf("%s, %s: %q does not mention %q", c.exercise, c.what, first, m)
				}
			}
		}
	}
	for _, x := range All {
		if !seenPass[x.Name] || !seenFail[x.Name] {
			t.Errorf("%s: tested passing %v, failing %v; want both", x.Name, seenPass[x.Name], seenFail[x.Name])
		}
	}
}

// A file the check cannot read is an error of the check, not a FAIL of
// the learner: it must not send them to redo a task they did.
func TestUnreadableStateIsAnError(t *testing.T) {
	k := done()
	delete(k.files, "/proc/4242/comm")
	x, _ := Find("first-container")
	if r, err := x.run(k); err == nil || !strings.Contains(err.Error(), "/proc/4242/comm") {
		t.Errorf("run with no comm = %+v, %v; want an error naming the file", r, err)
	}
}
