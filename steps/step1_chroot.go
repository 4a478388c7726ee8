package steps

import "github.com/dockling/dockling/sandbox"

// Chroot gives the process a different "/": the image's files. That is all.
// It still shares every namespace with the host (ps on the host's /proc,
// the host's hostname, the host's network), and a root process can climb
// out of a chroot (dockling step 1 --escape shows how).
var Chroot = Step{
	N: 1, Name: "chroot", UsesImage: true,
	Summary: "a different / (the image's files) with chroot(2); escapable by root",
	Apply: func(c *sandbox.Config) {
		c.Chroot = true
	},
}
