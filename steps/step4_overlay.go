package steps

import "github.com/dockling/dockling/sandbox"

// Overlay builds "/" from the image's layers instead of a private copy. The
// layers stay read-only and are shared by every container of the image;
// each container gets a writable layer of its own on top (overlayfs). So
// starting a container copies nothing, and what it writes never touches
// the image: delete the container, and its changes are gone.
var Overlay = Step{
	N: 4, Name: "overlay", UsesImage: true,
	Summary: "image layers read-only + a writable layer of its own (overlayfs)",
	Apply: func(c *sandbox.Config) {
		c.Overlay = &sandbox.OverlaySpec{}
		c.Hostname = "step4"
	},
}
