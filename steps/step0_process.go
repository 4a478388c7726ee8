package steps

import "github.com/dockling/dockling/sandbox"

// Process is the baseline: fork and exec, nothing isolated. The command sees
// the host's processes, hostname, files and network, exactly as any program
// started from your shell does. Every later step is measured against this.
var Process = Step{
	N: 0, Name: "process", UsesImage: false,
	Summary: "a plain child process: fork + exec, nothing isolated",
	Apply:   func(c *sandbox.Config) {},
}
