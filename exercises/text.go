package exercises

import "fmt"

// say formats message key in lang, falling back to English.
func say(lang, key string, args ...any) string {
	t, ok := text[key]
	if !ok {
		return key // a missing key shows as itself; a test keeps the table whole
	}
	format := t.en
	if lang == "zh" && t.zh != "" {
		format = t.zh
	}
	return fmt.Sprintf(format, args...)
}

type phrase struct{ en, zh string }

// text is every sentence the exercises print, in both languages. A failure
// reads "what differs (want X, got Y)"; a pass says what the kernel showed.
var text = map[string]phrase{
	"hint": {"hint:", "提示:"},

	"task-first-container": {
		"Run a detached container named first that runs sleep 1000, then find its process on the host",
		"在后台运行一个名为 first 的容器，执行 sleep 1000，再到宿主机上找到它的进程"},
	"task-own-root": {
		"Run container rooted (sleep 1000) and create /hello inside it with dockling exec",
		"运行容器 rooted（执行 sleep 1000），再用 dockling exec 在容器里创建 /hello"},
	"task-own-hostname": {
		"Run container box with the hostname classroom",
		"运行容器 box，主机名设为 classroom"},
	"task-memory-limit": {
		"Run container capped with a memory limit of 64 MiB",
		"运行容器 capped，内存上限设为 64 MiB"},
	"task-writable-layer": {
		"Run container writer and create /root/note in it: the file must land in its writable layer only",
		"运行容器 writer，在里面创建 /root/note：这个文件只能落在容器的可写层里"},
	"task-publish-port": {
		"Run container web with a server on port 80, published on the host's port 8080",
		"运行容器 web，里面的服务监听 80 端口，并发布到宿主机的 8080 端口"},
	"task-named-volume": {
		"Run container notes with the volume notes at /notes, and create /notes/todo",
		"运行容器 notes，把卷 notes 挂到 /notes，再创建 /notes/todo"},

	// Every check: the container must be there and running.
	"no-container": {
		"no container named %s (want one, got none)",
		"没有名为 %s 的容器（应有一个，实际没有）"},
	"not-running": {
		"container %s is not running (want running, got %s)",
		"容器 %s 没在运行（应为 running，实际是 %s）"},

	// first-container
	"wrong-program": {
		"container %s runs another program (want %s, got %s)",
		"容器 %s 运行的程序不对（应为 %s，实际是 %s）"},
	"host-ns": {
		"container %s is in the host's %s namespace (want a new one, got the host's %s)",
		"容器 %[1]s 和宿主机在同一个 %[2]s 命名空间里（应有自己的，实际是宿主机的 %[3]s）"},
	"pass-first-container": {
		"container %s is host PID %d, running sleep, in PID namespace %s (the host's is %s), where it is PID %s",
		"容器 %s 就是宿主机上的 %d 号进程，运行着 sleep；它在 PID 命名空间 %s 里（宿主机的是 %s），在那里它是 %s 号进程"},

	// own-root
	"host-root": {
		"container %s sees the host's / (want a root of its own, got the host's)",
		"容器 %s 看到的 / 就是宿主机的 /（应有自己的根目录，实际是宿主机的）"},
	"no-file": {
		"no %s in container %s (want the file, got none)",
		"容器 %[2]s 里没有 %[1]s（应有这个文件，实际没有）"},
	"pass-own-root": {
		"the / of container %s is %s, not the host's / (%s), and /hello is in it",
		"容器 %s 的 / 是 %s，不是宿主机的 /（%s），/hello 就在里面"},

	// own-hostname
	"wrong-hostname": {
		"the hostname in container %s differs (want %s, got %s)",
		"容器 %s 里的主机名不对（应为 %s，实际是 %s）"},
	"not-pid1": {
		"the process of container %s is not PID 1 inside (want 1, got %s)",
		"容器 %s 的进程在容器里不是 1 号（应为 1，实际是 %s）"},
	"pass-own-hostname": {
		"container %s has its own UTS namespace %s (the host's is %s), where uname says %s, and its process is PID 1 inside",
		"容器 %s 有自己的 UTS 命名空间 %s（宿主机的是 %s），在里面 uname 返回的主机名是 %s，它的进程在容器里是 1 号"},

	// memory-limit
	"no-cgroup": {
		"container %s has no cgroup (want one under dockling/, got: %v)",
		"容器 %s 没有 cgroup（应在 dockling/ 下有一个，实际：%v）"},
	"not-in-cgroup": {
		"process %d of container %s is not in the cgroup %s (want it there)",
		"容器 %[2]s 的进程 %[1]d 不在 cgroup %[3]s 里（应该在）"},
	"no-memory-limit": {
		"cgroup %s has no memory limit (want %s, got none)",
		"cgroup %s 没有内存上限（应为 %s，实际没有）"},
	"wrong-memory-limit": {
		"the memory limit of cgroup %s differs (want %s, got %s)",
		"cgroup %s 的内存上限不对（应为 %s，实际是 %s）"},
	"pass-memory-limit": {
		"container %s (PID %d) is in a cgroup whose %s reads %d (%s)",
		"容器 %s（PID %d）所在 cgroup 的 %s 读出来是 %d（%s）"},

	// writable-layer
	"root-not-overlay": {
		"the / of container %s is not an overlay (want overlay, got %s)",
		"容器 %s 的 / 不是 overlay（应为 overlay，实际是 %s）"},
	"no-upper-file": {
		"no %s in the writable layer %s (want the file there, got none)",
		"可写层 %[2]s 里没有 %[1]s（应有这个文件，实际没有）"},
	"lower-has-file": {
		"%s is also in the read-only image layer %s (want it in the writable layer only)",
		"%s 也出现在只读的镜像层 %s 里（应只在可写层里）"},
	"pass-writable-layer": {
		"%s of container %s is in its writable layer %s and in none of its %d read-only image layers",
		"容器 %[2]s 的 %[1]s 在它的可写层 %[3]s 里，不在它的 %[4]d 个只读镜像层的任何一层里"},

	// publish-port
	"no-eth0": {
		"container %s has no network cable (want eth0 with an IPv4 address, got: %v)",
		"容器 %s 没有网线（应有带 IPv4 地址的 eth0，实际：%v）"},
	"not-on-bridge": {
		"the host end of container %s's veth is not on the bridge (want %s, got %v)",
		"容器 %s 的 veth 在宿主机这一端没有接到网桥上（应为 %s，实际：%v）"},
	"no-dnat": {
		"no DNAT rule in nat %s for port %d (want --to-destination %s, got %s)",
		"nat 表的 %s 链里没有端口 %d 的 DNAT 规则（应为 --to-destination %s，实际：%s）"},
	"no-proxy": {
		"nothing listens on port %d (want dockling's userland proxy, as this host has no iptables)",
		"没有程序监听 %d 端口（这台主机没有 iptables，应由 dockling 的用户态代理监听）"},
	"no-answer": {
		"nothing answers at %s (want an answer from the server in the container, got: %v)",
		"%s 没有回应（应得到容器里服务的回应，实际：%v）"},
	"pass-publish-port-DNAT": {
		"container %s (%s) is plugged into %s by veth %s; DNAT rules in PREROUTING and OUTPUT send port %d to %s, and %s answers",
		"容器 %[1]s（%[2]s）通过 veth %[4]s 接在 %[3]s 上；PREROUTING 和 OUTPUT 里的 DNAT 规则把 %[5]d 端口转给 %[6]s，%[7]s 有回应"},
	"pass-publish-port-proxy": {
		"container %s (%s) is plugged into %s by veth %s; dockling's proxy on port %d forwards to %s, and %s answers",
		"容器 %[1]s（%[2]s）通过 veth %[4]s 接在 %[3]s 上；dockling 的代理在 %[5]d 端口上转发给 %[6]s，%[7]s 有回应"},

	// named-volume
	"no-volume": {
		"no volume named %s (want one, got none)",
		"没有名为 %s 的卷（应有一个，实际没有）"},
	"not-mounted": {
		"%s is not a mount point in container %s (want the volume mounted there)",
		"%s 在容器 %s 里不是挂载点（卷应该挂在这里）"},
	"wrong-mount": {
		"%s in container %s is not the volume's directory %s (want the same file, got %s, the volume is %s)",
		"容器 %[2]s 里的 %[1]s 不是卷的目录 %[3]s（应是同一个文件，实际是 %[4]s，卷是 %[5]s）"},
	"no-volume-file": {
		"no %s in the volume's directory %s (want the file, got none)",
		"卷的目录 %[2]s 里没有 %[1]s（应有这个文件，实际没有）"},
	"pass-named-volume": {
		"%s in container %s is volume %s, the host's %s, and %s is in it",
		"容器 %[2]s 里的 %[1]s 就是卷 %[3]s，即宿主机上的 %[4]s，%[5]s 就在里面"},
}
