package container

import (
	"sort"
	"strings"
	"time"
)

// PsRow is one line of `dockling ps`, with docker's placeholder names, so
// `ps --format '{{.ID}} {{.Status}}'` means the same as with docker. Every
// field is already text: a template prints it as it is.
type PsRow struct {
	ID         string
	Image      string
	Command    string // quoted, truncated to 20 characters unless --no-trunc
	CreatedAt  string // "2026-11-28 12:00:00 +0000 UTC"
	RunningFor string // "3 minutes ago": the CREATED column
	Ports      string
	Status     string
	Names      string
	State      string // created, running, exited
	Size       string // not measured (docker needs ps -s for it too)
	Labels     string
	Mounts     string
	Networks   string
}

// PsHeaders are the column titles docker prints for a `table` format.
var PsHeaders = map[string]string{
	"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND",
	"CreatedAt": "CREATED AT", "RunningFor": "CREATED", "Ports": "PORTS",
	"Status": "STATUS", "Names": "NAMES", "State": "STATE", "Size": "SIZE",
	"Labels": "LABELS", "Mounts": "MOUNTS", "Networks": "NETWORKS",
}

// DefaultPsFormat is what `dockling ps` prints without --format: docker's
// seven columns.
const DefaultPsFormat = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

// PsRow describes c as ps shows it at time now. Without noTrunc the id is
// cut to 12 characters and the command to 20, as docker does.
func (c *Container) PsRow(now time.Time, noTrunc bool) PsRow {
	id := c.ID
	if !noTrunc {
		id = ShortID(id)
	}
	row := PsRow{
		ID:         id,
		Image:      c.Image,
		Command:    c.commandColumn(noTrunc),
		CreatedAt:  time.Unix(c.Created.Unix(), 0).String(),
		RunningFor: HumanDuration(now.Sub(c.Created)) + " ago",
		Status:     c.StatusString(now),
		Names:      c.Name,
		State:      string(c.State.Status),
		Mounts:     c.mountsColumn(noTrunc),
		Networks:   c.HostConfig.NetworkMode,
	}
	// Published ports exist only while the container runs: its rules and
	// proxies go away when it stops, so docker shows nothing then.
	if c.State.Status == Running {
		row.Ports = c.PortsString()
	}
	return row
}

// mountsColumn names each mount by its volume name, or for a bind mount by
// its host path (shortened to 15 characters unless noTrunc, as docker does).
func (c *Container) mountsColumn(noTrunc bool) string {
	var names []string
	for _, m := range c.Mounts {
		name := m.Name
		if name == "" {
			name = m.Source
		}
		if !noTrunc {
			name = Truncate(name, 15)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
