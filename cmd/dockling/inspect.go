package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/container"
)

// inspectImage looks up an image for `dockling inspect` when no container
// has that name. The image commands set it (in their own file), so this
// command does not depend on the image store; nil means containers only.
// It returns the value to print (docker's image inspect shape) or an error
// when there is no such image.
var inspectImage func(ref string) (any, error)

type inspectOptions struct {
	format, kind string
}

func newInspectCmd() *cobra.Command {
	var o inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] NAME|ID [NAME|ID...]",
		Short: "Show low-level information on containers or images",
		Long: `inspect prints everything dockling knows about a container, as a JSON
array in docker's shape: Id, Created, Path and Args, State (Status, Pid,
ExitCode, StartedAt, FinishedAt, ...), Image (its id), Name, HostConfig
(limits, port bindings), GraphDriver (the overlay's layer directories),
Mounts, Config (Hostname, Env, Cmd, Image, WorkingDir) and NetworkSettings
(IPAddress, Gateway, MacAddress, Ports, and SandboxKey: the network
namespace of the running process).

A name is looked up among containers first, then images (--type picks one).

-f takes a Go template and prints one line per object. Fields are named as
in the JSON: {{.State.Pid}}, {{.NetworkSettings.IPAddress}}. {{json .X}}
prints a part as JSON.`,
		Example: `  dockling inspect web
  dockling inspect -f '{{.NetworkSettings.IPAddress}}' web
  dockling inspect -f '{{.State.Pid}} {{.State.ExitCode}}' web
  dockling inspect -f '{{json .State}}' web
  dockling inspect -f '{{.GraphDriver.Data.UpperDir}}' web   # the container's writes
  dockling inspect --type image hostbox`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd.OutOrStdout(), args, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "", "format output using a Go template")
	f.StringVar(&o.kind, "type", "", "only look for this type of object: container or image")
	return cmd
}

func runInspect(w io.Writer, refs []string, o inspectOptions) error {
	var tmpl *template.Template
	if o.format != "" {
		t, err := container.Template(o.format)
		if err != nil {
			return err
		}
		tmpl = t
	}
	switch o.kind {
	case "", "container", "image":
	default:
		return fmt.Errorf("invalid --type %q: use container or image", o.kind)
	}

	var found []any
	var missing []string
	for _, ref := range refs {
		v, err := inspectOne(ref, o.kind)
		if err != nil {
			return err
		}
		if v == nil {
			missing = append(missing, ref)
			continue
		}
		found = append(found, v)
	}

	// Like docker: print what was found, then fail for what was not.
	if tmpl != nil {
		for _, v := range found {
			if err := container.Execute(tmpl, w, v); err != nil {
				return err
			}
			fmt.Fprintln(w)
		}
	} else {
		if found == nil {
			found = []any{} // "[]", not "null"
		}
		data, err := json.MarshalIndent(found, "", "    ")
		if err != nil {
			return fmt.Errorf("encode inspect output: %w", err)
		}
		fmt.Fprintln(w, string(data))
	}
	if len(missing) > 0 {
		return inspectMissingError(missing, o.kind)
	}
	return nil
}

// inspectOne finds ref as a container, then as an image. It returns nil
// (and no error) when there is nothing by that name; an error is something
// else gone wrong, such as a prefix matching several containers.
func inspectOne(ref, kind string) (any, error) {
	if kind != "image" {
		store, err := openContainerStore()
		if err != nil {
			return nil, err
		}
		c, err := store.Find(ref)
		if err == nil {
			return c.Inspect(), nil
		}
		if !strings.HasPrefix(err.Error(), "no such container") {
			return nil, err
		}
	}
	if kind != "container" && inspectImage != nil {
		if v, err := inspectImage(ref); err == nil {
			return v, nil
		}
	}
	return nil, nil
}

// inspectMissingError names every reference nothing matched, on one line,
// and where to look for the right names.
func inspectMissingError(refs []string, kind string) error {
	names := strings.Join(refs, ", ")
	switch {
	case kind == "image":
		return fmt.Errorf("no such image: %s; list them with \"dockling images\"", names)
	case kind == "container" || inspectImage == nil:
		return fmt.Errorf("no such container: %s; list them with \"dockling ps -a\"", names)
	}
	return fmt.Errorf("no such container or image: %s; list them with \"dockling ps -a\" or \"dockling images\"", names)
}
