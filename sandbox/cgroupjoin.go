package sandbox

import (
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/explain"
)

// lateCgroup tells whether the runner makes and joins the container's
// cgroup after the clone, beside the child's start, rather than before it.
//
// Before is simpler to follow, and it is what --explain shows (the learner
// sees the cgroup made first), and where the child is born in its cgroup
// (v2, CLONE_INTO_CGROUP: clone3 needs the directory). Everywhere else the
// child has to be moved in with a write to cgroup.procs, and on cgroup v1
// that write can wait milliseconds for the kernel (see cgroups.PrimeMoves);
// made after the clone, the cgroup is made and joined while the child's Go
// runtime starts and it mounts its root, and the child waits for it only
// right before it execs the command.
func lateCgroup(cfg *Config, explaining bool) bool {
	return cfg.Cgroup != nil && !explaining && !cloneIntoCgroupWorks()
}

// cgroupJoin is the container's cgroup being made and joined in the
// background.
type cgroupJoin struct {
	done chan struct{}
	cg   cgroups.Manager // nil if it could not be made
	err  error
}

// startCgroupJoin makes the cgroup of spec and moves pid into it, in the
// background. The child does not run the command before wait returns and
// the parent releases it.
func startCgroupJoin(spec *CgroupSpec, pid int) *cgroupJoin {
	j := &cgroupJoin{done: make(chan struct{})}
	go func() {
		defer close(j.done)
		t0 := time.Now()
		j.cg, j.err = cgroups.New(spec.Name, spec.Limits)
		if j.err == nil {
			j.err = j.cg.Apply(pid)
		}
		explain.Timing("create the cgroup and put the child in it (beside the child's setup)", t0)
	}()
	return j
}

// wait blocks until the cgroup is made and joined, and returns it (nil if
// it could not be made) with the error, if any.
func (j *cgroupJoin) wait() (cgroups.Manager, error) {
	<-j.done
	return j.cg, j.err
}

// PrimeCgroupMove starts the kernel's wait that the child's move into its
// cgroup will need (cgroups.PrimeMoves), where a move is needed at all. A
// command that is about to run a container calls it first thing, so the
// wait overlaps the container's record, the clone and the child's setup.
func PrimeCgroupMove() { cgroups.PrimeMovesIfNeeded() }
