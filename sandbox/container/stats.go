package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// `dockling stats` reads what the kernel counts for each container's
// cgroup. Memory and PIDs are gauges, read once. CPU is a counter (total
// CPU time used since the cgroup was made), so a percentage needs two
// readings: CPU time used between them, over wall time between them.
// 100% is one CPU kept busy; on four CPUs a container can reach 400%, as in
// docker.

// StatsRow is one line of `dockling stats`, with docker's template names
// ({{.CPUPerc}}, {{.MemUsage}}, ...).
type StatsRow struct {
	ID, Container, Name        string
	CPUPerc, MemUsage, MemPerc string
	PIDs                       string
}

// DefaultStatsFormat is docker's stats table.
const DefaultStatsFormat = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.PIDs}}"

// StatsHeaders are the column titles of stats's table.
var StatsHeaders = map[string]string{
	"ID": "CONTAINER ID", "Container": "CONTAINER", "Name": "NAME", "CPUPerc": "CPU %",
	"MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "PIDs": "PIDS",
}

// Sample is one reading of a container's cgroup.
type Sample struct {
	At    time.Time
	Usage cgroups.Usage
	OK    bool // false: no cgroup (not running), shown as zeros
}

// TakeSample reads container id's cgroup now.
func TakeSample(id string) Sample {
	s := Sample{At: time.Now()}
	m, err := cgroups.Load(id)
	if err != nil {
		return s
	}
	if s.Usage, err = m.Usage(); err == nil {
		s.OK = true
	}
	return s
}

// StatsRow turns two samples (prev may be zero: no CPU figure yet) into a
// row. hostMem is the host's memory, the limit when the container has none.
func (c *Container) StatsRow(prev, cur Sample, hostMem int64) StatsRow {
	row := StatsRow{ID: ShortID(c.ID), Container: c.Name, Name: c.Name,
		CPUPerc: "0.00%", MemUsage: "0B / 0B", MemPerc: "0.00%", PIDs: "0"}
	if !cur.OK {
		return row // docker shows a stopped container as zeros, too
	}
	if prev.OK && cur.At.After(prev.At) {
		used := cur.Usage.CPUUsage - prev.Usage.CPUUsage
		row.CPUPerc = fmt.Sprintf("%.2f%%", 100*float64(used)/float64(cur.At.Sub(prev.At)))
	}
	limit := c.HostConfig.Memory
	if limit <= 0 || (hostMem > 0 && limit > hostMem) {
		limit = hostMem
	}
	mem := cur.Usage.MemoryCurrent
	row.MemUsage = BytesSize(float64(mem)) + " / " + BytesSize(float64(limit))
	if limit > 0 {
		row.MemPerc = fmt.Sprintf("%.2f%%", 100*float64(mem)/float64(limit))
	}
	row.PIDs = strconv.FormatInt(cur.Usage.Pids, 10)
	return row
}

// BytesSize prints a size in binary units with four significant digits,
// as docker does (go-units BytesSize): 1.5MiB, 64MiB, 7.773GiB.
func BytesSize(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	return fmt.Sprintf("%.4g%s", n, units[i])
}

// HostMemory is MemTotal from /proc/meminfo, in bytes: the limit stats
// shows for a container started without -m.
func HostMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
