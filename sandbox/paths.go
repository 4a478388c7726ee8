package sandbox

import "os"

// DefaultRoot is where dockling keeps images, layers, containers and volumes.
const DefaultRoot = "/var/lib/dockling"

// Root returns the state directory: $DOCKLING_ROOT, or DefaultRoot. Tests set
// DOCKLING_ROOT to a temporary directory so they never touch a user's state.
func Root() string {
	if r := os.Getenv("DOCKLING_ROOT"); r != "" {
		return r
	}
	return DefaultRoot
}
