package sandbox

import "github.com/dockling/dockling/sandbox/explain"

// The parent and the re-executed child talk over two pipes, passed as the
// child's file descriptors 3 and 4:
//
//	fd 3, parent → child: the Config as one line of JSON, then, once the host
//	      side is ready (cgroup joined, network moved in), the byte Release.
//	      The child sets itself up as soon as it has the config, so its setup
//	      runs while the parent finishes the host side (on cgroup v1 the move
//	      into the cgroup can wait milliseconds for the kernel), and it waits
//	      for Release only right before it execs the command. EOF instead of
//	      Release means the parent gave up: the child exits, running nothing.
//	fd 4, child → parent: ChildMsg values as JSON lines: explain events while
//	      setting up, or one error if setup fails. The child marks fd 4
//	      close-on-exec, so a successful exec closes it: EOF with no error
//	      means the user's command is running.
const (
	ConfigFD  = 3
	MessageFD = 4
)

// Release is the byte that tells the child the host side is ready.
const Release = '!'

// ChildMsg is one message from the child to the parent.
type ChildMsg struct {
	Event *explain.Event `json:"event,omitempty"`
	Error string         `json:"error,omitempty"`
	// Code is the exit code the child uses after Error: 127 for a command
	// that is not there, 126 for one that cannot run, 1 otherwise.
	Code int `json:"code,omitempty"`
}

// ChildError is a setup failure the child reported before it could exec.
type ChildError struct {
	Msg  string
	Code int
}

func (e *ChildError) Error() string { return e.Msg }
