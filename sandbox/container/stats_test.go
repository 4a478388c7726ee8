package container

import (
	"strings"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
)

func TestBytesSize(t *testing.T) {
	for n, want := range map[float64]string{0: "0B", 1000: "1000B", 1536: "1.5KiB", 64 << 20: "64MiB", 8346644480: "7.773GiB"} {
		if got := BytesSize(n); got != want {
			t.Errorf("BytesSize(%v) = %s, want %s", n, got, want)
		}
	}
}

func TestStatsRow(t *testing.T) {
	c := &Container{ID: strings.Repeat("ab", 32), Name: "web", HostConfig: HostConfig{Memory: 64 << 20}}
	t0 := time.Now()
	prev := Sample{At: t0, OK: true, Usage: cgroups.Usage{CPUUsage: time.Second}}
	cur := Sample{At: t0.Add(200 * time.Millisecond), OK: true,
		Usage: cgroups.Usage{CPUUsage: time.Second + 50*time.Millisecond, MemoryCurrent: 16 << 20, Pids: 3}}
	want := StatsRow{ID: "abababababab", Container: "web", Name: "web", CPUPerc: "25.00%",
		MemUsage: "16MiB / 64MiB", MemPerc: "25.00%", PIDs: "3"}
	if got := c.StatsRow(prev, cur, 1<<30); got != want {
		t.Errorf("StatsRow =\n%+v\nwant\n%+v", got, want)
	}
	// No -m: the host's memory is the limit.
	c.HostConfig.Memory = 0
	if got := c.StatsRow(Sample{}, cur, 1<<30); got.MemUsage != "16MiB / 1GiB" || got.MemPerc != "1.56%" || got.CPUPerc != "0.00%" {
		t.Errorf("no limit, one sample: %+v", got)
	}
	if got := c.StatsRow(Sample{}, Sample{}, 1<<30); got.PIDs != "0" || got.MemUsage != "0B / 0B" {
		t.Errorf("stopped: %+v", got)
	}
}
