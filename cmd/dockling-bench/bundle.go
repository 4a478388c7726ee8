package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// peers are other runtimes starting the same rootfs, where installed: runc
// and crun from an OCI bundle made with `runc spec`, and podman.
func peers(rootfs, root string) []benchCase {
	var out []benchCase
	bundle := filepath.Join(root, "bundle")
	if err := writeBundle(bundle, rootfs); err == nil {
		for i, rt := range []string{"runc", "crun"} {
			if _, err := exec.LookPath(rt); err == nil {
				name := []string{runcCase, crunCase}[i]
				out = append(out, benchCase{name, []string{rt, "run", "--bundle", bundle, "bench-" + rt}, bareCase})
			}
		}
	}
	// podman on the same files; the ulimits because this machine lacks
	// CAP_SYS_RESOURCE and podman would raise the hard limits otherwise.
	if _, err := exec.LookPath("podman"); err == nil {
		out = append(out, benchCase{podmanCase, []string{"podman", "run", "--rm", "--network", "none",
			"--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--rootfs", rootfs, "/bin/true"}, bareCase})
	}
	return out
}

// writeBundle makes an OCI bundle with `runc spec` (the default config
// every runc user starts from), pointed at rootfs and running /bin/true
// without a terminal, as our own lines do.
func writeBundle(bundle, rootfs string) error {
	if _, err := exec.LookPath("runc"); err != nil {
		return err
	}
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("runc", "spec", "--bundle", bundle).CombinedOutput(); err != nil {
		return fmt.Errorf("runc spec: %v: %s", err, out)
	}
	path := filepath.Join(bundle, "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		return err
	}
	spec["root"] = map[string]any{"path": rootfs, "readonly": true}
	proc := spec["process"].(map[string]any)
	proc["terminal"] = false
	proc["args"] = []string{"/bin/true"}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

// printFairness says what each case sets up that the others do not, so
// the ratios can be read for what they are. The facts about runc, crun and
// podman come from their straces and from inside their containers on this
// machine (runc 1.1, crun 1.8, podman 4.3, cgroup v1): lo's flags in
// /sys/class/net/lo/flags, Seccomp in /proc/self/status.
func printFairness(cases []benchCase, res map[string]*timings) {
	hierarchies := v1Hierarchies()
	notes := map[string]string{
		bareCase: "pid, mount, uts, ipc and net namespaces (lo left down) and a chroot into the directory: " +
			"no pivot_root, no /proc or /dev, no cgroup, no capability drop, nothing written or removed",
		runCase: "the same namespaces, lo up; a fresh overlay over the image layers (upper and work " +
			"directories made and removed per container); pivot_root; /proc, /sys, /dev (tmpfs + 6 nodes), " +
			"/dev/pts, /dev/shm; its own hostname, hosts and resolv.conf bind-mounted; masked and read-only " +
			"/proc and /sys paths; docker's 14 capabilities, no_new_privs, no seccomp; a cgroup in 5 v1 hierarchies " +
			"(memory, cpu, cpuacct, pids, devices with docker's allow-list), no limits; a container record " +
			"(JSON) and a log file, all removed again by --rm; two Go processes (the CLI, which supervises, " +
			"and dockling-init, the child)",
		runcCase: fmt.Sprintf("runc spec's defaults: the same namespaces, lo up; the flat directory bound "+
			"read-only (no overlay: nothing made or removed per container); pivot_root; /proc, /sys, "+
			"/dev (tmpfs + nodes), /dev/pts, /dev/shm, /dev/mqueue, /sys/fs/cgroup; the same masked and "+
			"read-only paths; 3 capabilities, no_new_privs, rlimits, no seccomp; a cgroup in every v1 hierarchy "+
			"(%d here; devices with runc's default list), no limits; a state file under /run/runc, removed "+
			"on exit; two Go processes (runc, and runc init for the child)", hierarchies),
		crunCase: "the same bundle as runc, so the same work, done by one C program (no Go runtime to " +
			"start, for the parent or the child); state under /run/crun",
		podmanCase: "--rootfs on the same directory (no overlay); podman (Go), conmon (the supervisor) and " +
			"crun (the OCI runtime) as separate processes; its database and event log; lo up; the default " +
			"seccomp profile; a cgroup in every v1 hierarchy; --rm removes the container",
	}
	fmt.Printf("\nwhat each case sets up (all run the same /bin/true from the same files):\n")
	for _, c := range cases {
		note, ok := notes[c.name]
		if !ok || res[c.name].err != nil {
			continue
		}
		fmt.Printf("  %s: %s\n", c.name, note)
	}
	fmt.Println("  dockling step N: see \"dockling step\"; each adds one layer to the one before")
}

// v1Hierarchies counts the cgroup v1 hierarchies this process is in (the
// lines of /proc/self/cgroup other than v2's "0::").
func v1Hierarchies() int {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0
	}
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l != "" && !strings.HasPrefix(l, "0::") {
			n++
		}
	}
	return n
}
