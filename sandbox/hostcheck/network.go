package hostcheck

import (
	"fmt"
	"path/filepath"
	"strings"
)

// checkVeth: step 5 gives each container one end of a veth pair, a virtual
// cable whose other end stays on the host.
func checkVeth(f facts) Result {
	return checkNetModule(f, "veth", "veth", "CONFIG_VETH", "the virtual cable between a container and the host")
}

// checkBridge: the host ends of the veth pairs plug into the bridge
// dockling0, a virtual switch, so containers reach each other and the host.
func checkBridge(f facts) Result {
	return checkNetModule(f, "bridge", "bridge", "CONFIG_BRIDGE", "the virtual switch dockling0")
}

func checkNetModule(f facts, check, module, option, role string) Result {
	r := Result{Name: check}
	if !exists(f.host.sys("class/net")) {
		r.Status = Warn
		r.Detail = f.host.sys("class/net") + " is missing, so network devices cannot be listed"
		r.Fix = "mount sysfs: mount -t sysfs sysfs /sys"
		return r
	}
	switch f.module(module, option) {
	case moduleLoaded:
		r.Detail = module + " loaded (" + role + ")"
	case moduleBuiltin:
		r.Detail = module + " built into the kernel (" + role + ")"
	case moduleLoadable:
		r.Status = Warn
		r.Detail = module + " is a module, not loaded yet (" + role + ")"
		r.Fix = "modprobe " + module + " (the kernel usually loads it on first use; loading it now proves it works)"
	case moduleAbsent:
		r.Status = Warn
		r.Detail = "this kernel has no " + module + ": containers can run, but without a network"
		r.Fix = "use a kernel built with " + option + " (every distribution kernel has it)"
	default:
		r.Status = Warn
		r.Detail = fmt.Sprintf("cannot tell whether the kernel has %s: not loaded, and no %s to look in",
			module, filepath.Join(f.host.Modules, f.release))
		r.Fix = "modprobe " + module + ", or try: ip link add dl-test type " + probeLinkType(module) + " && ip link del dl-test"
	}
	return r
}

// probeLinkType is the `ip link add ... type` that creates one such device.
func probeLinkType(module string) string {
	if module == "veth" {
		return "veth peer name dl-test-peer"
	}
	return module
}

// checkIPForward: a container's packets to the outside are routed by the
// host, which Linux does only when net.ipv4.ip_forward is 1.
func checkIPForward(f facts) Result {
	r := Result{Name: "ip_forward"}
	v, err := readTrimmed(f.host.proc("sys/net/ipv4/ip_forward"))
	switch {
	case err != nil:
		r.Status = Warn
		r.Detail = fmt.Sprintf("cannot read it: %v", err)
	case v == "1":
		r.Detail = "net.ipv4.ip_forward = 1 (the host routes containers' packets)"
	default:
		r.Status = Warn
		r.Detail = "net.ipv4.ip_forward = " + v + ": containers cannot reach the outside yet"
		r.Fix = "dockling enables it when a container joins the bridge; or sysctl -w net.ipv4.ip_forward=1"
	}
	return r
}

// checkFirewall: outbound NAT and -p port publishing are iptables (or nft)
// rules. On CentOS 7 firewalld owns the firewall and drops rules it did not
// write whenever it reloads.
func checkFirewall(f facts) Result {
	r := Result{Name: "iptables"}
	var found []string
	for _, tool := range []string{"iptables", "nft"} {
		if p, err := f.host.LookPath(tool); err == nil {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		r.Status = Warn
		r.Detail = "neither iptables nor nft in PATH: no NAT, so containers cannot reach out and -p uses a userland proxy"
		r.Fix = f.distro.install("iptables", "iptables")
		if f.distro.family() != "debian" {
			r.Fix += " (CentOS 7: firewalld, if running, can remove dockling's rules when it reloads)"
		}
		return r
	}
	r.Detail = strings.Join(found, " ")
	if exists(f.host.etc("firewalld")) {
		r.Status = Warn
		r.Detail += "; firewalld is installed: when it runs, each reload drops rules it did not make"
		r.Fix = "trust the bridge: firewall-cmd --permanent --zone=trusted --add-interface=dockling0 && firewall-cmd --reload" +
			" (or systemctl stop firewalld while you learn)"
	}
	return r
}
