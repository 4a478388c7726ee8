package steps

import "github.com/dockling/dockling/sandbox"

// Cgroups puts the process in a control group of its own. Namespaces decide
// what a process can see; cgroups decide how much it can use: memory (the
// kernel's OOM killer stops it at the limit), CPU time (it is throttled) and
// the number of processes (fork fails). The limits come from -m, --cpus,
// --cpu-shares and --pids-limit; with none, the cgroup only counts usage.
var Cgroups = Step{
	N: 3, Name: "cgroups", UsesImage: true,
	Summary: "limits on memory, CPU and processes with a control group (v1 or v2)",
	Apply: func(c *sandbox.Config) {
		c.Cgroup = &sandbox.CgroupSpec{}
		c.Hostname = "step3"
	},
}
