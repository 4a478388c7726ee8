package steps

import "github.com/dockling/dockling/sandbox"

// Namespaces gives the process its own view of the system: its own PID
// numbers (it is PID 1), hostname, mount table, IPC objects and network.
// Inside the new mount namespace, pivot_root replaces chroot: the image
// becomes the root of the namespace and the host's root is detached, so
// there is nothing left to escape to.
var Namespaces = Step{
	N: 2, Name: "namespaces", UsesImage: true,
	Summary: "own PID, hostname, mounts, IPC and network; pivot_root replaces chroot",
	Apply: func(c *sandbox.Config) {
		c.Namespaces = sandbox.AllNamespaces
		c.Chroot = false
		c.PivotRoot = true
		c.Hostname = "step2"
	},
}
