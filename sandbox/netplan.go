package sandbox

import (
	"fmt"
	"time"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/fsutil"
	"github.com/dockling/dockling/sandbox/network"
)

// connectNetwork plugs the child (pid, still waiting on its config pipe)
// into the bridge. The attachment is handed to saved before any link or rule
// exists, so whoever persists it can always undo exactly what was made.
func connectNetwork(spec *NetworkSpec, hostname string, pid int, rec *explain.Recorder, saved func(*network.Attachment)) (*network.Attachment, error) {
	cfg := network.DefaultConfig(Root())
	t0 := time.Now()
	att, ops, err := network.Plan(cfg, spec.ID, pid, spec.Ports)
	explain.Timing("network plan", t0)
	if err != nil {
		return nil, err
	}
	if saved != nil {
		saved(att)
	}
	if err := explain.Run(ops, rec, explain.Parent); err != nil {
		_ = network.Teardown(cfg, att)
		return nil, fmt.Errorf("connect the container to %s: %w", cfg.Bridge, err)
	}
	if spec.HostsFile != "" {
		if err := fsutil.WriteFileAtomic(spec.HostsFile, network.HostsFile(hostname, att.IP, spec.Peers), 0o644); err != nil {
			_ = network.Teardown(cfg, att)
			return nil, err
		}
	}
	return att, nil
}

// disconnectNetwork removes what connectNetwork made, recording each step.
func disconnectNetwork(att *network.Attachment, rec *explain.Recorder) error {
	cfg := network.DefaultConfig(Root())
	for _, op := range network.TeardownOps(cfg, att) {
		rec.Record(explain.Parent, op.Call, op.Shell, op.Why)
	}
	defer explain.Timing("network teardown", time.Now())
	return network.Teardown(cfg, att)
}

// startProxies serves the published ports no iptables rule carries (a host
// without iptables) with a userland proxy in this process, for as long as
// the container runs. It returns a function that stops them.
func startProxies(att *network.Attachment) (func(), error) {
	var proxies []*network.Proxy
	stop := func() {
		for _, p := range proxies {
			_ = p.Close()
		}
	}
	for _, m := range att.Proxied {
		p, err := network.StartProxy(m, att.IP)
		if err != nil {
			stop()
			return nil, err
		}
		proxies = append(proxies, p)
	}
	return stop, nil
}
