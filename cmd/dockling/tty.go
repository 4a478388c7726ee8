package main

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sys/unix"
)

// console wires the user's terminal to a container's pseudo-terminal: raw
// mode here (so ^C, arrows and tab go to the container's shell, not to our
// line discipline), window size copied over now and on every SIGWINCH, and
// bytes copied both ways.
type console struct {
	in       *os.File
	out      io.Writer
	restore  func()
	done     chan struct{} // closed when the container's output has ended
	stopSize chan os.Signal
	once     sync.Once
}

func newConsole(in *os.File, out io.Writer) *console {
	return &console{in: in, out: out, restore: func() {}, done: make(chan struct{})}
}

// attach is sandbox.Process.Console: called with the master side before
// the container's command starts.
func (c *console) attach(master *os.File, forwardInput bool) {
	fd := int(c.in.Fd())
	if ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ); err == nil {
		_ = unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws)
		c.stopSize = make(chan os.Signal, 1)
		signal.Notify(c.stopSize, unix.SIGWINCH)
		go func() {
			for range c.stopSize {
				if ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ); err == nil {
					_ = unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws)
				}
			}
		}()
	} else {
		_ = unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80})
	}
	if forwardInput {
		c.restore = makeRaw(fd)
		go func() { _, _ = io.Copy(master, c.in) }()
	}
	go func() {
		// Ends with EIO once every holder of the slave side is gone.
		_, _ = io.Copy(c.out, master)
		master.Close()
		close(c.done)
	}()
}

// wait lets the last output through, then gives the terminal back.
func (c *console) wait(attached bool) {
	if attached {
		<-c.done
	}
	c.once.Do(func() {
		if c.stopSize != nil {
			signal.Stop(c.stopSize)
			close(c.stopSize)
		}
		c.restore()
	})
}

// makeRaw switches a terminal to raw mode, as cfmakeraw(3) does, and
// returns how to switch it back. Not a terminal: nothing to do.
func makeRaw(fd int) func() {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}

// needTerminalInput refuses -i with -t when stdin is not a terminal, as
// docker does. The container's terminal would turn the end of piped input
// into nothing: a shell reading it waits for ever, and so does dockling.
func needTerminalInput(interactive, tty bool) error {
	if interactive && tty && !isTerminal(os.Stdin) {
		return errors.New("the input device is not a TTY: -i with -t needs a terminal on stdin; to pipe input, drop -t (e.g. echo ls | dockling run -i --rm hostbox sh)")
	}
	return nil
}
