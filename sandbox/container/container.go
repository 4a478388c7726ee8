package container

import (
	"time"

	"github.com/dockling/dockling/sandbox"
)

// Container is one container's record, with docker's field names where
// docker has one, so `inspect` can print it as docker does.
type Container struct {
	ID      string    `json:"Id"`
	Name    string    `json:"Name"`
	Created time.Time `json:"Created"`
	Image   string    `json:"Image"`   // what the user typed, e.g. hostbox
	ImageID string    `json:"ImageID"` // sha256:...
	// Config is what the runner runs: command, env, namespaces, limits.
	Config sandbox.Config `json:"Config"`
	State  State          `json:"State"`
}

// refresh corrects a record that says running when its process is gone:
// the host rebooted, or the supervisor was killed before it could write.
func (c *Container) refresh() {
	if c.State.Status == Running && !c.State.Alive() {
		c.State.Status = Exited
		if c.State.FinishedAt.IsZero() {
			c.State.FinishedAt = time.Now().UTC()
		}
		if c.State.ExitCode == 0 {
			c.State.ExitCode = 137 // docker reports a lost process as killed
		}
	}
}
