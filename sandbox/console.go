package sandbox

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// A container with a terminal (-t) gets a pseudo-terminal from its OWN
// /dev/pts (the devpts instance mounted for it), so inside, `tty` prints
// /dev/pts/0 and nothing of the host's terminals is visible. Only the child
// can open that /dev/ptmx, after pivot_root; it keeps the slave side as its
// stdin, stdout, stderr and controlling terminal, and hands the master side
// to the parent over a unix socket (SCM_RIGHTS passes an open file across
// processes). The parent then copies between the user and the master.

// ConsoleFD is the child's end of the console socket, when Config.Tty.
const ConsoleFD = 5

// ReceiveConsole waits for the child's master fd on sock (run -t here,
// exec -t in cmd/dockling).
func ReceiveConsole(sock *os.File) (*os.File, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, 0)
	if err != nil {
		return nil, fmt.Errorf("receive the console: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, fmt.Errorf("receive the console: no file descriptor came (%v)", err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil, fmt.Errorf("receive the console: %v", err)
	}
	return os.NewFile(uintptr(fds[0]), "/dev/ptmx (container)"), nil
}

// SetupConsole is the child's side: open a pseudo-terminal in the
// container's /dev/pts, send the master to the parent, wait until the parent
// has set its size, then make the slave this process's terminal.
func SetupConsole(sock int) error {
	master, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /dev/ptmx: %w", err)
	}
	defer unix.Close(master)
	if err := unix.IoctlSetPointerInt(master, unix.TIOCSPTLCK, 0); err != nil { // unlockpt
		return fmt.Errorf("unlock the pty: %w", err)
	}
	n, err := unix.IoctlGetInt(master, unix.TIOCGPTN) // ptsname
	if err != nil {
		return fmt.Errorf("find the pty's number: %w", err)
	}
	slave, err := unix.Open(fmt.Sprintf("/dev/pts/%d", n), unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fmt.Errorf("open /dev/pts/%d: %w", n, err)
	}
	if err := unix.Sendmsg(sock, []byte{0}, unix.UnixRights(master), nil, 0); err != nil {
		return fmt.Errorf("send the console to the parent: %w", err)
	}
	ack := make([]byte, 1)
	if _, err := unix.Read(sock, ack); err != nil {
		return fmt.Errorf("wait for the parent: %w", err)
	}
	// A new session with no terminal, then take the slave as ours: from now
	// on ^C on it signals the container's foreground job, not dockling.
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("setsid: %w", err)
	}
	if err := unix.IoctlSetInt(slave, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("make /dev/pts/%d the controlling terminal: %w", n, err)
	}
	for fd := 0; fd <= 2; fd++ {
		if err := unix.Dup2(slave, fd); err != nil {
			return err
		}
	}
	if slave > 2 {
		unix.Close(slave)
	}
	return nil
}
