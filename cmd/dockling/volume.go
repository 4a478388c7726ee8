package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/volume"
	"github.com/spf13/cobra"
)

func newVolumeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "volume COMMAND",
		Short: "Manage volumes: storage that outlives containers",
		Long: `A container's own files live in its writable layer and go when the
container is removed. A volume is a directory on the host, mounted into the
container, that stays.

  -v /host/dir:/data      bind mount: a host directory you choose
  -v web-data:/data       named volume: dockling keeps it in
                          $DOCKLING_ROOT/volumes/web-data/_data (made on first use)
  -v /data                anonymous volume: the same, with a 64-hex name

Add :ro to mount read-only. A volume a container still uses cannot be removed.`,
		Example: `  dockling volume create web-data
  dockling run -v web-data:/data hostbox sh -c 'date > /data/first'
  dockling volume inspect --format '{{.Mountpoint}}' web-data
  dockling volume ls
  dockling volume rm web-data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newVolumeCreateCmd(), newVolumeLsCmd(), newVolumeInspectCmd(), newVolumeRmCmd(), newVolumePruneCmd())
	return cmd
}

// openVolumes opens the store and tells it which volumes are in use: those
// any container record names, running or not, as docker counts them. The
// records are read once, now; a container created after this is not seen.
func openVolumes() (*volume.Store, error) {
	root := sandbox.Root()
	store, err := volume.Open(root)
	if err != nil {
		return nil, err
	}
	containers, err := container.Open(root)
	if err != nil {
		return nil, err
	}
	all, err := containers.List()
	if err != nil {
		return nil, fmt.Errorf("list containers to see which volumes they use: %w", err)
	}
	used := map[string]bool{}
	for _, c := range all {
		for _, m := range c.Mounts {
			if m.Type == string(volume.TypeVolume) {
				used[m.Name] = true
			}
		}
	}
	store.InUse = func(name string) bool { return used[name] }
	return store, nil
}

func newVolumeCreateCmd() *cobra.Command {
	var labels []string
	cmd := &cobra.Command{
		Use:   "create [NAME]",
		Short: "Create a named volume (a random name when none is given)",
		Long: `create makes $DOCKLING_ROOT/volumes/NAME/_data and prints the name. Creating
a volume that exists already is not an error: you get the same volume back.
"run -v NAME:/path" creates the volume itself, so this is only needed to add
labels or to prepare data before the first container.`,
		Example: `  dockling volume create web-data
  dockling volume create --label project=blog blog-db`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lab, err := volumeLabels(labels)
			if err != nil {
				return err
			}
			store, err := volume.Open(sandbox.Root())
			if err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			v, err := store.Create(name, lab)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), v.Name)
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&labels, "label", "l", nil, "set metadata on the volume (KEY=VALUE, repeatable)")
	return cmd
}

// volumeLabels reads --label KEY=VALUE flags; a bare KEY means an empty value.
func volumeLabels(flags []string) (map[string]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, f := range flags {
		k, v, _ := strings.Cut(f, "=")
		if k == "" {
			return nil, fmt.Errorf("--label %q has no key; use --label KEY=VALUE", f)
		}
		out[k] = v
	}
	return out, nil
}

func newVolumeLsCmd() *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List volumes",
		Long:    `ls lists every volume, named and anonymous, by name, as docker does.`,
		Example: `  dockling volume ls
  dockling volume ls -q | xargs dockling volume inspect`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := volume.Open(sandbox.Root())
			if err != nil {
				return err
			}
			all, err := store.List()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if quiet {
				for _, v := range all {
					fmt.Fprintln(out, v.Name)
				}
				return nil
			}
			tw := tabwriter.NewWriter(out, 10, 1, 3, ' ', 0) // docker's table spacing
			fmt.Fprintln(tw, "DRIVER\tVOLUME NAME")
			for _, v := range all {
				fmt.Fprintf(tw, "local\t%s\n", v.Name)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "only print volume names")
	return cmd
}

// volumeJSON is one volume as `docker volume inspect` prints it.
type volumeJSON struct {
	CreatedAt  string            `json:"CreatedAt"`
	Driver     string            `json:"Driver"`
	Labels     map[string]string `json:"Labels"`
	Mountpoint string            `json:"Mountpoint"`
	Name       string            `json:"Name"`
	Options    map[string]string `json:"Options"`
	Scope      string            `json:"Scope"`
}

func toVolumeJSON(v volume.Volume) volumeJSON {
	labels := v.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return volumeJSON{
		CreatedAt: v.CreatedAt.Format(time.RFC3339), Driver: "local", Labels: labels,
		Mountpoint: v.Mountpoint, Name: v.Name, Scope: "local",
	}
}

func newVolumeInspectCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [--format TEMPLATE] NAME...",
		Short: "Show volumes as JSON (where the data lives: Mountpoint)",
		Long: `inspect prints a JSON array with one object per volume, in docker's fields.
Mountpoint is the host directory the container sees; look inside it (as root)
to find the files a container wrote. --format prints a Go template per volume.`,
		Example: `  dockling volume inspect web-data
  dockling volume inspect --format '{{.Mountpoint}}' web-data
  sudo ls "$(dockling volume inspect -f '{{.Mountpoint}}' web-data)"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := volume.Open(sandbox.Root())
			if err != nil {
				return err
			}
			var found []volumeJSON
			var missing []string
			for _, name := range args {
				v, err := store.Get(name)
				if errors.Is(err, volume.ErrNotFound) {
					missing = append(missing, name)
					continue
				}
				if err != nil {
					return err
				}
				found = append(found, toVolumeJSON(v))
			}
			if err := printVolumes(cmd.OutOrStdout(), found, format); err != nil {
				return err
			}
			if len(missing) > 0 {
				return fmt.Errorf("no such volume: %s; list them with \"dockling volume ls\"", strings.Join(missing, ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "print each volume with a Go template, e.g. '{{.Mountpoint}}'")
	return cmd
}

func printVolumes(w io.Writer, vs []volumeJSON, format string) error {
	if format == "" {
		if vs == nil {
			vs = []volumeJSON{}
		}
		data, err := json.MarshalIndent(vs, "", "    ")
		if err != nil {
			return fmt.Errorf("encode volumes: %w", err)
		}
		_, err = fmt.Fprintf(w, "%s\n", data)
		return err
	}
	tmpl, err := template.New("format").Funcs(template.FuncMap{
		"json": func(v any) (string, error) { b, err := json.Marshal(v); return string(b), err },
	}).Parse(format)
	if err != nil {
		return fmt.Errorf("--format %q: %v; see the examples in \"dockling volume inspect --help\"", format, err)
	}
	for _, v := range vs {
		if err := tmpl.Execute(w, v); err != nil {
			return fmt.Errorf("--format %q: %v", format, err)
		}
		fmt.Fprintln(w)
	}
	return nil
}

func newVolumeRmCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "rm [-f] NAME...",
		Aliases: []string{"remove"},
		Short:   "Remove volumes and their data",
		Long: `rm deletes each volume and every file in it, for good. A volume that a
container uses (running or stopped) is refused: remove the container first.
-f does not override that; it only stays quiet about volumes that do not exist.`,
		Example: `  dockling volume rm web-data
  dockling volume rm -f maybe-there`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := openVolumes()
			if err != nil {
				return err
			}
			var failed []string
			for _, name := range args {
				err := store.Remove(name)
				switch {
				case err == nil:
					fmt.Fprintln(cmd.OutOrStdout(), name)
				case force && errors.Is(err, volume.ErrNotFound):
				default:
					failed = append(failed, err.Error())
				}
			}
			if len(failed) > 0 {
				return errors.New(strings.Join(failed, "; "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "no error for volumes that do not exist")
	return cmd
}

func newVolumePruneCmd() *cobra.Command {
	var force, all bool
	cmd := &cobra.Command{
		Use:   "prune [-a] [-f]",
		Short: "Remove the volumes no container uses",
		Long: `prune removes the anonymous volumes (made by a bare -v /path) that no
container, running or stopped, uses, with all their data. With -a it removes
unused named volumes too: like docker 23 and later, a named volume is kept
by default because it usually holds data someone meant to keep. It asks
first unless -f is given. Bind-mounted host directories are never touched:
they are not volumes.`,
		Example: `  dockling volume prune        # unused anonymous volumes
  dockling volume prune -a -f  # every unused volume, without asking`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			warning := "This will remove anonymous local volumes not used by at least one container."
			if all {
				warning = "This will remove all local volumes not used by at least one container."
			}
			if !force && !confirm(cmd, warning) {
				return nil
			}
			store, err := openVolumes()
			if err != nil {
				return err
			}
			sizes := map[string]int64{}
			if all, err := store.List(); err == nil {
				for _, v := range all {
					sizes[v.Name] = volumeDiskUsage(v.Mountpoint)
				}
			}
			removed, err := store.Prune(all)
			out := cmd.OutOrStdout()
			var total int64
			if len(removed) > 0 {
				fmt.Fprintln(out, "Deleted Volumes:")
				for _, name := range removed {
					fmt.Fprintln(out, name)
					total += sizes[name]
				}
				fmt.Fprintln(out)
			}
			fmt.Fprintf(out, "Total reclaimed space: %s\n", volumeSizeText(total))
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove unused named volumes too, not only anonymous ones")
	return cmd
}

// volumeDiskUsage adds up the sizes of the files under dir, as du would
// (apparent sizes; hard links counted once per name).
func volumeDiskUsage(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// volumeSizeText prints bytes in docker's decimal units: 0B, 12.3kB, 4.1MB.
func volumeSizeText(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f, i := float64(n), 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.3g%s", f, units[i])
}
