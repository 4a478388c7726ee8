package main

import (
	"github.com/spf13/cobra"
)

func newLoginCmd() *cobra.Command {
	var user, password string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "login [OPTIONS] [SERVER]",
		Short: "Log in to a registry",
		Long: `login checks a username and password with a registry (Docker Hub when no
SERVER is given) and stores them for pull and push.

They go where docker keeps them, ~/.docker/config.json ($DOCKER_CONFIG), under
"auths" as base64("user:password"), so docker and dockling share logins.
Base64 is an encoding, not encryption: the file is readable only by you (0600),
and "dockling logout" removes the entry.

Prefer --password-stdin to -p: a password on the command line is visible to
every user in ps and stays in your shell history.`,
		Example: `  dockling login -u alice registry.lan:5000
  echo "$TOKEN" | dockling login -u alice --password-stdin
  dockling login            # prompts for both`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The registry client checks and stores the login, and asks
			// on the terminal for what the flags did not give (registry.go).
			helperArgs := []string{"login"}
			if user != "" {
				helperArgs = append(helperArgs, "--username", user)
			}
			if password != "" {
				helperArgs = append(helperArgs, "--password", password)
			}
			if passwordStdin {
				helperArgs = append(helperArgs, "--password-stdin")
			}
			return runRegistryCmd(cmd, append(append(helperArgs, "--"), args...)...)
		},
	}
	cmd.Flags().StringVarP(&user, "username", "u", "", "username")
	cmd.Flags().StringVarP(&password, "password", "p", "", "password (insecure: prefer --password-stdin)")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	return cmd
}

func newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout [SERVER]",
		Short: "Log out from a registry",
		Long: `logout removes the credentials "dockling login" (or "docker login") stored
for SERVER (Docker Hub when none is given) from ~/.docker/config.json.`,
		Example: `  dockling logout
  dockling logout registry.lan:5000`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRegistryCmd(cmd, append([]string{"logout", "--"}, args...)...)
		},
	}
}
