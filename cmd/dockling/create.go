package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/image"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/dockling/dockling/sandbox/security"
	"github.com/dockling/dockling/sandbox/volume"
	"github.com/spf13/cobra"
)

// createOptions are docker's flags for a new container, shared by run and
// create.
type createOptions struct {
	name, workdir, hostname, entrypoint string
	env, envFiles                       []string
	interactive, tty, autoRemove        bool
	entrypointSet                       bool
	limits                              limitFlags
	publish, volumes                    []string
	network, user                       string
	capAdd, capDrop                     []string
	privileged                          bool
}

func (o *createOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.name, "name", "", "a name for the container (default: a random adjective_animal)")
	f.BoolVarP(&o.interactive, "interactive", "i", false, "keep standard input open")
	f.BoolVarP(&o.tty, "tty", "t", false, "give the container a terminal")
	f.BoolVar(&o.autoRemove, "rm", false, "remove the container when it exits")
	f.StringArrayVarP(&o.env, "env", "e", nil, "set an environment variable (KEY=VALUE, or KEY to copy it from here)")
	f.StringArrayVar(&o.envFiles, "env-file", nil, "read environment variables from a file, one KEY=VALUE a line")
	f.StringVarP(&o.workdir, "workdir", "w", "", "working directory inside the container (made if the image lacks it)")
	f.StringVarP(&o.hostname, "hostname", "h", "", "hostname inside the container (default: the short ID)")
	f.StringVar(&o.entrypoint, "entrypoint", "", "override the image's entrypoint")
	f.StringVarP(&o.user, "user", "u", "", "run as this user: NAME, UID, NAME:GROUP or UID:GID (from the image's /etc/passwd)")
	o.limits.add(f)
	f.StringArrayVarP(&o.publish, "publish", "p", nil, "publish a port: [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp]")
	f.StringArrayVarP(&o.volumes, "volume", "v", nil, "mount a volume: HOSTPATH:PATH[:ro], NAME:PATH[:ro] or PATH")
	f.StringVar(&o.network, "network", "bridge", "network: bridge, none or host")
	f.StringSliceVar(&o.capAdd, "cap-add", nil, "add a Linux capability (NET_ADMIN or CAP_NET_ADMIN; ALL for all)")
	f.StringSliceVar(&o.capDrop, "cap-drop", nil, "drop a Linux capability (NET_RAW or CAP_NET_RAW; ALL for all)")
	f.BoolVar(&o.privileged, "privileged", false, "give the container every capability and device, nothing masked, no no_new_privs")
	cmd.PreRun = func(cmd *cobra.Command, _ []string) { o.entrypointSet = cmd.Flags().Changed("entrypoint") }
	// -h is docker's --hostname, so help is --help only.
	f.Bool("help", false, "help for "+cmd.Name())
}

// createContainer resolves the image and writes a new container's record.
// Nothing is started; a failure leaves nothing behind.
func createContainer(o createOptions, imageName string, cmdArgs []string) (*container.Store, *container.Container, error) {
	images, err := openImageStore()
	if err != nil {
		return nil, nil, err
	}
	img, err := images.Resolve(imageName)
	var notFound *image.NotFoundError
	if errors.As(err, &notFound) {
		// As docker run does: an image not held here is pulled first.
		// The registry client pulls it (registry.go); its progress goes
		// to stderr, so stdout keeps only the container's output.
		fmt.Fprintf(os.Stderr, "Unable to find image '%s' locally\n", image.NormalizeRef(imageName))
		if err = runRegistry(nil, os.Stderr, os.Stderr, "pull", "--", imageName); err == nil {
			img, err = images.Resolve(imageName)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	limits, err := o.limits.limits()
	if err != nil {
		return nil, nil, err
	}
	sec, err := security.New(o.capAdd, o.capDrop, o.privileged)
	if err != nil {
		return nil, nil, err
	}
	limits.Devices = sec.Devices // the devices cgroup enforces the allow-list
	env, err := containerEnv(img.Config.Env, o.envFiles, o.env)
	if err != nil {
		return nil, nil, err
	}
	if o.tty {
		env = append(env, "TERM=xterm") // as docker sets it for -t
	}

	// The command, as docker composes it: ENTRYPOINT + (CMD or the args).
	entrypoint := img.Config.Entrypoint
	if o.entrypointSet {
		entrypoint = nil
		if o.entrypoint != "" {
			entrypoint = []string{o.entrypoint}
		}
	}
	command := img.Config.Cmd
	if len(cmdArgs) > 0 || o.entrypointSet {
		command = cmdArgs
	}
	args := append(append([]string{}, entrypoint...), command...)
	if len(args) == 0 {
		return nil, nil, fmt.Errorf("no command: image %q has none, so give one after the image name", imageName)
	}
	ports, err := network.ParsePorts(o.publish)
	if err != nil {
		return nil, nil, err
	}
	specs, err := volume.ParseSpecs(o.volumes)
	if err != nil {
		return nil, nil, err
	}
	cwd := o.workdir
	if cwd == "" {
		cwd = img.Config.WorkingDir
	}
	if cwd != "" && !strings.HasPrefix(cwd, "/") {
		return nil, nil, fmt.Errorf("working directory %q must be absolute (e.g. /app)", cwd)
	}

	store, err := container.Open(sandbox.Root())
	if err != nil {
		return nil, nil, err
	}
	c := &container.Container{
		Name: o.name, Image: imageName, ImageID: img.ID,
		Path: args[0], Args: args[1:],
		Tty: o.tty, OpenStdin: o.interactive,
		Config: sandbox.Config{
			Args: args, Env: env, Cwd: cwd,
			Namespaces: sandbox.AllNamespaces, PivotRoot: true, Tty: o.tty,
			Cgroup: &sandbox.CgroupSpec{Limits: limits}, Security: sec,
		},
		HostConfig: container.HostConfig{
			NetworkMode: "none", AutoRemove: o.autoRemove,
			Memory: limits.Memory, MemorySwap: limits.MemorySwap, NanoCpus: int64(limits.CPUs * 1e9),
			CPUShares: limits.CPUShares, PidsLimit: limits.PidsLimit,
		},
	}
	if o.user != "" {
		u, err := lookupUser(img.Layers, o.user)
		if err != nil {
			return nil, nil, err
		}
		c.Config.User = u
	}
	if err := store.Create(c); err != nil {
		return nil, nil, err
	}
	c.Config.Hostname = o.hostname
	if c.Config.Hostname == "" {
		c.Config.Hostname = container.ShortID(c.ID)
	}
	store.Prepare(c, img.Layers)
	err = attachNetwork(store, c, o.network, ports)
	if err == nil {
		err = attachVolumes(c, specs, o.volumes)
	}
	if err == nil {
		err = store.Save(c)
	}
	if err != nil {
		_ = store.Remove(c.ID) // a failed create leaves nothing behind
		return nil, nil, err
	}
	return store, c, nil
}

// containerEnv merges the image's environment, --env-file files and -e
// flags, later ones winning, as docker does. A bare KEY copies it from here.
func containerEnv(imageEnv, files, flags []string) ([]string, error) {
	var order []string
	vals := map[string]string{}
	set := func(kv string) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			hv, present := os.LookupEnv(k)
			if !present {
				return // docker drops a bare KEY that is not set here
			}
			v = hv
		}
		if _, seen := vals[k]; !seen {
			order = append(order, k)
		}
		vals[k] = v
	}
	for _, kv := range imageEnv {
		set(kv)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				set(line)
			}
		}
		fh.Close()
	}
	for _, kv := range flags {
		if strings.HasPrefix(kv, "=") || kv == "" {
			return nil, fmt.Errorf("invalid -e %q: use KEY=VALUE", kv)
		}
		set(kv)
	}
	if _, ok := vals["HOME"]; !ok {
		set("HOME=/root")
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+vals[k])
	}
	return out, nil
}
