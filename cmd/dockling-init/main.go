// Command dockling-init is the child side of a container start, in a binary
// of its own: the runner re-executes it in the new namespaces. It links only
// the runtime (no CLI, no registry client, no Markdown renderer), so the Go
// runtime and package initialisers it pays for at every container start are
// as small as they can be. `dockling init` does the same, as a fallback.
package main

import (
	"os"

	"github.com/dockling/dockling/sandbox/nsinit"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == nsinit.ExecInCommand {
		nsinit.ExecIn()
		return
	}
	nsinit.Main()
}
