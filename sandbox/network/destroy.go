package network

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/vishvananda/netlink"
)

// ErrBridgeInUse says the bridge still has interfaces plugged in that no
// lease of this state root accounts for: containers of another
// DOCKLING_ROOT on the same host share the bridge, and keep it.
var ErrBridgeInUse = errors.New("bridge in use")

// Destroy removes the shared network: the FORWARD and NAT rules and the
// bridge, and the empty lease file. It refuses while any container holds a
// lease. net.ipv4.ip_forward is left as it is: other software on the host
// may rely on forwarding, and dockling cannot know whether it was on before.
func Destroy(cfg Config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	return withLock(cfg, func() error {
		lf, err := readLeases(cfg)
		if err != nil {
			return err
		}
		if n := len(lf.Leases); n > 0 {
			return fmt.Errorf("%d containers are still attached to %s; remove them first", n, cfg.Bridge)
		}
		if n := bridgePorts(cfg.Bridge); n > 0 {
			return fmt.Errorf("%w: %d interfaces are still plugged into %s, containers of another DOCKLING_ROOT perhaps; it stays, with its rules", ErrBridgeInUse, n, cfg.Bridge)
		}
		var errs []error
		if cfg.Iptables != "" {
			ipt := iptables{cfg.Iptables}
			rules := sharedRules(cfg)
			for i := len(rules) - 1; i >= 0; i-- {
				if err := ipt.remove(rules[i].Rule); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if err := deleteLink(cfg.Bridge); err != nil {
			errs = append(errs, err)
		}
		if err := os.Remove(cfg.leasePath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("remove network %s: %w", cfg.Bridge, err)
		}
		return nil
	})
}

// bridgePorts counts the interfaces whose master is bridge (0 when there
// is no such bridge).
func bridgePorts(bridge string) int {
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return 0
	}
	links, err := netlink.LinkList()
	if err != nil {
		return 0
	}
	n := 0
	for _, l := range links {
		if l.Attrs().MasterIndex == br.Attrs().Index {
			n++
		}
	}
	return n
}
