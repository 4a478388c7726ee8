package steps

import "github.com/dockling/dockling/sandbox"

// Network plugs the container's empty network namespace (step 2 gave it
// only a loopback) into a bridge on the host: a veth pair is a virtual
// cable, one end inside as eth0 with an address of its own, the other on
// the bridge dockling0, a virtual switch. NAT lets it reach out; -p
// publishes a container port on the host.
var Network = Step{
	N: 5, Name: "network", UsesImage: true,
	Summary: "a veth cable to the dockling0 bridge: an IP, NAT out, -p ports in",
	Apply: func(c *sandbox.Config) {
		c.Network = &sandbox.NetworkSpec{}
		c.Hostname = "step5"
	},
}
