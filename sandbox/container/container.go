package container

import (
	"time"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/network"
)

// Container is one container's record, with docker's field names where
// docker has one, so `inspect` can print it as docker does.
type Container struct {
	ID      string    `json:"Id"`
	Name    string    `json:"Name"`
	Created time.Time `json:"Created"`
	Image   string    `json:"Image"`   // what the user typed, e.g. hostbox
	ImageID string    `json:"ImageID"` // sha256:...
	// Path and Args are the command as docker shows it (Path = Args[0]).
	Path string   `json:"Path"`
	Args []string `json:"Args"`
	// Config is what the runner runs: command, env, namespaces, limits.
	Config          sandbox.Config  `json:"Config"`
	HostConfig      HostConfig      `json:"HostConfig"`
	NetworkSettings NetworkSettings `json:"NetworkSettings"`
	Mounts          []Mount         `json:"Mounts"`
	State           State           `json:"State"`
	LogPath         string          `json:"LogPath"`
	// Tty and OpenStdin are how it was started (-t, -i), for start -a/-i.
	Tty       bool `json:"Tty"`
	OpenStdin bool `json:"OpenStdin"`
}

// HostConfig is how the container is tied to the host, as docker names it.
type HostConfig struct {
	Binds        []string                 `json:"Binds"` // -v as typed
	PortBindings map[string][]PortBinding `json:"PortBindings"`
	NetworkMode  string                   `json:"NetworkMode"` // bridge, host, none
	AutoRemove   bool                     `json:"AutoRemove"`  // --rm
	Memory       int64                    `json:"Memory"`
	MemorySwap   int64                    `json:"MemorySwap"`
	NanoCpus     int64                    `json:"NanoCpus"`
	CPUShares    int64                    `json:"CpuShares"`
	PidsLimit    int64                    `json:"PidsLimit"`
}

// PortBinding is one published port on the host side.
type PortBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// NetworkSettings is what the container got on the network.
type NetworkSettings struct {
	IPAddress  string                   `json:"IPAddress"`
	Gateway    string                   `json:"Gateway"`
	MacAddress string                   `json:"MacAddress"`
	Ports      map[string][]PortBinding `json:"Ports"` // "80/tcp" → host bindings
	// Attachment is the network package's record of every link, lease and
	// rule made for this container, so removal can undo exactly those even
	// after the runner was killed.
	Attachment *network.Attachment `json:"Attachment,omitempty"`
}

// Mount is one volume or bind mount, as `inspect` shows it.
type Mount struct {
	Type        string `json:"Type"` // bind, volume
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
}

// refresh corrects a record that says running when its process is gone:
// the host rebooted, or the supervisor was killed before it could write.
func (c *Container) refresh() {
	if c.State.Status == Running && !c.State.Alive() && !c.State.SupervisorAlive() {
		c.State.Status = Exited
		if c.State.FinishedAt.IsZero() {
			c.State.FinishedAt = time.Now().UTC()
		}
		if c.State.ExitCode == 0 {
			c.State.ExitCode = 137 // docker reports a lost process as killed
		}
	}
}
