package exercises

import (
	"errors"
	"io/fs"
)

// fakeKernel plays the kernel for the checks: each test builds the state a
// learner's machine would be in, then changes one thing to see it fail.
type fakeKernel struct {
	rec      *record
	files    map[string]string // readFile
	links    map[string]string // readlink
	stats    map[string]fileID // stat
	present  map[string]bool   // exists
	uname    string
	cgDir    string
	cgProcs  []int
	cgErr    error
	volume   string // the volume's directory; "" for no volume
	ip       string
	iflink   int
	netErr   error
	devices  map[int]link
	nat      []string
	iptables bool
	dialErr  error
}

func notExist(path string) error { return &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist} }

func (f *fakeKernel) container(name string) (*record, error) { return f.rec, nil }

func (f *fakeKernel) readFile(path string) ([]byte, error) {
	if s, ok := f.files[path]; ok {
		return []byte(s), nil
	}
	return nil, notExist(path)
}

func (f *fakeKernel) readlink(path string) (string, error) {
	if s, ok := f.links[path]; ok {
		return s, nil
	}
	return "", notExist(path)
}

func (f *fakeKernel) stat(path string) (fileID, error) {
	if id, ok := f.stats[path]; ok {
		return id, nil
	}
	return fileID{}, notExist(path)
}

func (f *fakeKernel) exists(path string) (bool, error) { return f.present[path], nil }
func (f *fakeKernel) hostname(int) (string, error)     { return f.uname, nil }

func (f *fakeKernel) cgroup(string) (string, []int, error) { return f.cgDir, f.cgProcs, f.cgErr }
func (f *fakeKernel) volumeDir(string) (string, error)     { return f.volume, nil }
func (f *fakeKernel) layersDir() string                    { return "/state/layers" }

func (f *fakeKernel) netOf(int) (string, int, error) { return f.ip, f.iflink, f.netErr }

func (f *fakeKernel) link(index int) (link, error) {
	if l, ok := f.devices[index]; ok {
		return l, nil
	}
	return link{}, errors.New("Link not found")
}

func (f *fakeKernel) natRules() ([]string, bool, error) { return f.nat, f.iptables, nil }
func (f *fakeKernel) dial(string) error                 { return f.dialErr }

const (
	pid     = 4242
	id      = "85c1dfdb656cf2aaafd222d5ef84eceece31dad466f06764c0d1df654fcd3bc4"
	upper   = "/state/containers/" + id + "/upper"
	hostNS  = "4026531836"
	innerNS = "4026532249"
)

// done is the state of a machine where every exercise was done as the
// lessons say, with what real kernels print in each file.
func done() *fakeKernel {
	return &fakeKernel{
		rec: &record{id: id, pid: pid, alive: true, status: "running"},
		files: map[string]string{
			"/proc/4242/comm":   "sleep\n",
			"/proc/4242/status": "Name:\tsleep\nPid:\t4242\nNSpid:\t4242\t1\nNSpgid:\t4242\t1\n",
			"/proc/4242/mountinfo": "66 42 0:40 / / rw,relatime - overlay overlay rw,lowerdir=a905c193:0b7c11de,upperdir=" + upper +
				",workdir=/state/containers/" + id + "/work,uuid=on\n" +
				"67 66 0:41 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n" +
				"72 66 254:0 /state/volumes/notes/_data /notes rw,relatime - ext4 /dev/vda rw,discard\n",
			"/sys/fs/cgroup/memory/dockling/" + id + "/memory.limit_in_bytes": "67108864\n",
		},
		links: map[string]string{
			"/proc/4242/ns/pid": "pid:[" + innerNS + "]", "/proc/self/ns/pid": "pid:[" + hostNS + "]",
			"/proc/4242/ns/uts": "uts:[4026532399]", "/proc/self/ns/uts": "uts:[4026531838]",
		},
		stats: map[string]fileID{
			"/proc/4242/root":            {dev: 40, ino: 9995698},
			"/":                          {dev: 65024, ino: 2},
			"/proc/4242/root/notes":      {dev: 65024, ino: 9994385},
			"/state/volumes/notes/_data": {dev: 65024, ino: 9994385},
		},
		present: map[string]bool{
			"/proc/4242/root/hello":           true,
			upper + "/root/note":              true,
			"/state/volumes/notes/_data/todo": true,
		},
		uname:    "classroom",
		cgDir:    "/sys/fs/cgroup/memory/dockling/" + id,
		cgProcs:  []int{4242},
		volume:   "/state/volumes/notes/_data",
		ip:       "10.77.0.2",
		iflink:   5,
		devices:  map[int]link{5: {name: "vd85c1dfdb6", kind: "veth", master: "dockling0"}},
		iptables: true,
		nat: []string{
			"-P PREROUTING ACCEPT",
			`-A PREROUTING -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080 -m comment --comment "dockling 85c1dfdb656c" -j DNAT --to-destination 10.77.0.2:80`,
			`-A OUTPUT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080 -m comment --comment "dockling 85c1dfdb656c" -j DNAT --to-destination 10.77.0.2:80`,
			"-A POSTROUTING -s 10.77.0.0/16 ! -o dockling0 -j MASQUERADE",
		},
	}
}
