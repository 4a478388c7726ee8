package container

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// InspectInfo is `dockling inspect`'s view of a container, in the shape and
// field order of docker's, so the same --format templates work:
// '{{.NetworkSettings.IPAddress}}', '{{.State.ExitCode}}', '{{json .State}}',
// '{{.Config.Image}}', '{{.HostConfig.Memory}}'. Times are strings in
// RFC 3339 with nanoseconds, as docker's API sends them.
type InspectInfo struct {
	ID              string                 `json:"Id"`
	Created         string                 `json:"Created"`
	Path            string                 `json:"Path"`
	Args            []string               `json:"Args"`
	State           InspectState           `json:"State"`
	Image           string                 `json:"Image"` // the image's id, as in docker
	LogPath         string                 `json:"LogPath"`
	Name            string                 `json:"Name"` // "/web": docker's names start with a slash
	RestartCount    int                    `json:"RestartCount"`
	Driver          string                 `json:"Driver"`
	Platform        string                 `json:"Platform"`
	HostConfig      InspectHostConfig      `json:"HostConfig"`
	GraphDriver     GraphDriver            `json:"GraphDriver"`
	Mounts          []InspectMount         `json:"Mounts"`
	Config          InspectConfig          `json:"Config"`
	NetworkSettings InspectNetworkSettings `json:"NetworkSettings"`
}

// InspectState is docker's State object.
type InspectState struct {
	Status     string `json:"Status"`
	Running    bool   `json:"Running"`
	Paused     bool   `json:"Paused"`
	Restarting bool   `json:"Restarting"`
	OOMKilled  bool   `json:"OOMKilled"`
	Dead       bool   `json:"Dead"`
	Pid        int    `json:"Pid"`
	ExitCode   int    `json:"ExitCode"`
	Error      string `json:"Error"`
	StartedAt  string `json:"StartedAt"`
	FinishedAt string `json:"FinishedAt"`
}

// InspectHostConfig is the record's HostConfig plus the two policies docker
// always shows; dockling has no restart policy and one log driver.
type InspectHostConfig struct {
	HostConfig
	RestartPolicy RestartPolicy `json:"RestartPolicy"`
	LogConfig     LogConfig     `json:"LogConfig"`
}

// RestartPolicy is docker's; dockling never restarts a container by itself.
type RestartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount int    `json:"MaximumRetryCount"`
}

// LogConfig names the log format: docker's json-file (see logfile.go).
type LogConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
}

// GraphDriver shows where the container's root filesystem comes from: the
// overlay's read-only layers, its writable layer, and the merged view.
type GraphDriver struct {
	Data map[string]string `json:"Data"`
	Name string            `json:"Name"`
}

// InspectMount is docker's MountPoint.
type InspectMount struct {
	Type        string `json:"Type"`
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Driver      string `json:"Driver,omitempty"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`
}

// InspectConfig is docker's Config: what the image and the flags asked
// for. The record keeps one command line, so Cmd holds all of it and
// Entrypoint is empty.
type InspectConfig struct {
	Hostname     string              `json:"Hostname"`
	Domainname   string              `json:"Domainname"`
	User         string              `json:"User"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Tty          bool                `json:"Tty"`
	OpenStdin    bool                `json:"OpenStdin"`
	StdinOnce    bool                `json:"StdinOnce"`
	Env          []string            `json:"Env"`
	Cmd          []string            `json:"Cmd"`
	Image        string              `json:"Image"` // as the user typed it
	Volumes      map[string]struct{} `json:"Volumes"`
	WorkingDir   string              `json:"WorkingDir"`
	Entrypoint   []string            `json:"Entrypoint"`
	Labels       map[string]string   `json:"Labels"`
}

// InspectNetworkSettings is docker's NetworkSettings, with the container's
// one network under Networks as well as at the top, as docker still does.
type InspectNetworkSettings struct {
	Bridge      string                      `json:"Bridge"`
	SandboxID   string                      `json:"SandboxID"`
	SandboxKey  string                      `json:"SandboxKey"` // the netns: /proc/PID/ns/net
	Ports       map[string][]PortBinding    `json:"Ports"`
	Gateway     string                      `json:"Gateway"`
	IPAddress   string                      `json:"IPAddress"`
	IPPrefixLen int                         `json:"IPPrefixLen"`
	MacAddress  string                      `json:"MacAddress"`
	Networks    map[string]EndpointSettings `json:"Networks"`
}

// EndpointSettings is one network the container is attached to.
type EndpointSettings struct {
	NetworkID   string `json:"NetworkID"`
	EndpointID  string `json:"EndpointID"`
	Gateway     string `json:"Gateway"`
	IPAddress   string `json:"IPAddress"`
	IPPrefixLen int    `json:"IPPrefixLen"`
	MacAddress  string `json:"MacAddress"`
}

// Inspect turns the record into docker's inspect shape.
func (c *Container) Inspect() InspectInfo {
	argv := c.argv()
	info := InspectInfo{
		ID:       c.ID,
		Created:  inspectTime(c.Created),
		State:    c.inspectState(),
		Image:    c.ImageID,
		LogPath:  c.LogPath,
		Name:     "/" + c.Name,
		Driver:   "overlay",
		Platform: "linux",
		Args:     []string{},
		HostConfig: InspectHostConfig{
			HostConfig:    c.HostConfig,
			RestartPolicy: RestartPolicy{Name: "no"},
			LogConfig:     LogConfig{Type: "json-file", Config: map[string]string{}},
		},
		GraphDriver: c.graphDriver(),
		Mounts:      c.inspectMounts(),
		Config: InspectConfig{
			Hostname: c.Config.Hostname, Tty: c.Tty, OpenStdin: c.OpenStdin,
			Env: c.Config.Env, Cmd: argv, Image: c.Image, WorkingDir: c.Config.Cwd,
			Labels: map[string]string{},
		},
		NetworkSettings: c.inspectNetwork(),
	}
	if len(argv) > 0 {
		info.Path, info.Args = argv[0], append(info.Args, argv[1:]...)
	}
	// docker prints empty maps as {}, not null.
	if info.HostConfig.PortBindings == nil {
		info.HostConfig.PortBindings = map[string][]PortBinding{}
	}
	for port := range c.HostConfig.PortBindings {
		if info.Config.ExposedPorts == nil {
			info.Config.ExposedPorts = map[string]struct{}{}
		}
		info.Config.ExposedPorts[port] = struct{}{}
	}
	return info
}

// inspectTime is docker's time format; a zero time reads
// 0001-01-01T00:00:00Z, as docker shows a container never started.
func inspectTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (c *Container) inspectState() InspectState {
	st := c.State
	running := st.Status == Running
	pid := 0
	if running {
		pid = st.Pid // docker shows 0 once the process is gone
	}
	return InspectState{
		Status: string(st.Status), Running: running, OOMKilled: st.OOMKilled,
		Pid: pid, ExitCode: st.ExitCode, Error: st.Error,
		StartedAt: inspectTime(st.StartedAt), FinishedAt: inspectTime(st.FinishedAt),
	}
}

func (c *Container) graphDriver() GraphDriver {
	g := GraphDriver{Name: "overlay", Data: map[string]string{}}
	if o := c.Config.Overlay; o != nil {
		// overlayfs lists lowerdir top first; the spec keeps bottom first.
		lower := make([]string, len(o.Lower))
		for i, l := range o.Lower {
			lower[len(o.Lower)-1-i] = l
		}
		g.Data["LowerDir"] = strings.Join(lower, ":")
		g.Data["UpperDir"] = o.Upper
		g.Data["WorkDir"] = o.Work
		g.Data["MergedDir"] = c.Config.Rootfs
	}
	return g
}

func (c *Container) inspectMounts() []InspectMount {
	out := []InspectMount{}
	for _, m := range c.Mounts {
		im := InspectMount{Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW}
		if m.Type == "volume" {
			im.Driver = "local"
		} else {
			im.Propagation = "rprivate" // dockling makes every mount private
		}
		out = append(out, im)
	}
	return out
}

func (c *Container) inspectNetwork() InspectNetworkSettings {
	ns := c.NetworkSettings
	out := InspectNetworkSettings{Ports: map[string][]PortBinding{}, Networks: map[string]EndpointSettings{}}
	// A stopped container keeps its network's name but not its address:
	// its veth, lease and port rules went away with it, as in docker.
	if c.State.Status == Running {
		out.IPAddress, out.Gateway, out.MacAddress = ns.IPAddress, ns.Gateway, ns.MacAddress
		out.IPPrefixLen = attachmentPrefixLen(ns.Attachment)
		if c.State.Pid > 0 {
			out.SandboxKey = "/proc/" + strconv.Itoa(c.State.Pid) + "/ns/net"
		}
		for k, v := range ns.Ports {
			out.Ports[k] = v
		}
	}
	mode := c.HostConfig.NetworkMode
	if mode == "" && ns.IPAddress != "" {
		mode = "bridge"
	}
	if mode != "" {
		out.Networks[mode] = EndpointSettings{Gateway: out.Gateway, IPAddress: out.IPAddress,
			IPPrefixLen: out.IPPrefixLen, MacAddress: out.MacAddress}
	}
	return out
}

// attachmentPrefixLen reads the subnet's prefix length from the network
// package's attachment record without importing that package (which would
// pull netlink into every command that only reads state). After a Load the
// attachment is a decoded JSON object; a JSON round trip reads both forms.
func attachmentPrefixLen(att any) int {
	if att == nil {
		return 0
	}
	b, err := json.Marshal(att)
	if err != nil {
		return 0
	}
	var a struct {
		PrefixLen int `json:"prefixLen"`
	}
	_ = json.Unmarshal(b, &a)
	return a.PrefixLen
}
