package steps

import "github.com/dockling/dockling/sandbox"

// Volumes let data outlive the container. Everything written in the
// writable layer (step 4) goes when the container goes; a volume is a
// directory on the host (your own, or a named one dockling keeps under
// $DOCKLING_ROOT/volumes) bind-mounted into the container's tree before
// pivot_root, resolved inside the new root so a symlink in the image
// cannot aim it at the host.
var Volumes = Step{
	N: 6, Name: "volumes", UsesImage: true,
	Summary: "-v: host directories and named volumes that outlive the container",
	Apply: func(c *sandbox.Config) {
		c.Hostname = "step6"
	},
}
