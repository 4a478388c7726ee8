package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/dockling/dockling/sandbox/image/remote"
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
			server := ""
			if len(args) == 1 {
				server = args[0]
			}
			in := cmd.InOrStdin()
			if password != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
			}
			if passwordStdin {
				if password != "" {
					return fmt.Errorf("--password and --password-stdin are mutually exclusive; use one")
				}
				if user == "" {
					return fmt.Errorf("--password-stdin needs --username (-u)")
				}
				data, err := io.ReadAll(in)
				if err != nil {
					return fmt.Errorf("read password from stdin: %w", err)
				}
				password = strings.TrimRight(string(data), "\r\n")
			}
			var err error
			if user, password, err = promptCredentials(cmd, server, user, password); err != nil {
				return err
			}
			if err := remote.Login(server, user, password, remote.Options{Context: cmd.Context()}); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Login Succeeded")
			return nil
		},
	}
	cmd.Flags().StringVarP(&user, "username", "u", "", "username")
	cmd.Flags().StringVarP(&password, "password", "p", "", "password (insecure: prefer --password-stdin)")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	return cmd
}

// promptCredentials asks on the terminal for what the flags did not give.
// Without a terminal there is no one to ask, so it says which flag to use.
func promptCredentials(cmd *cobra.Command, server, user, password string) (string, string, error) {
	if user != "" && password != "" {
		return user, password, nil
	}
	stdin, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(stdin.Fd())) {
		return "", "", fmt.Errorf("username and password needed; use -u and --password-stdin when not on a terminal")
	}
	errOut := cmd.ErrOrStderr()
	if user == "" {
		fmt.Fprintf(errOut, "Username for %s: ", remote.ServerKey(server))
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil {
			return "", "", fmt.Errorf("read username: %w", err)
		}
		user = strings.TrimSpace(line)
	}
	if password == "" {
		fmt.Fprint(errOut, "Password: ")
		p, err := term.ReadPassword(int(stdin.Fd())) // no echo
		fmt.Fprintln(errOut)
		if err != nil {
			return "", "", fmt.Errorf("read password: %w", err)
		}
		password = string(p)
	}
	if user == "" || password == "" {
		return "", "", fmt.Errorf("username and password must not be empty")
	}
	return user, password, nil
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
			server := ""
			if len(args) == 1 {
				server = args[0]
			}
			key := remote.ServerKey(server)
			found, err := remote.Logout(server)
			if err != nil {
				return err
			}
			if !found {
				fmt.Fprintf(cmd.OutOrStdout(), "Not logged in to %s\n", key)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removing login credentials for %s\n", key)
			return nil
		},
	}
}
