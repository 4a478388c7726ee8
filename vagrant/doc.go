// Package vagrant holds the tests of the classroom VMs' provisioner,
// provision.sh, which the Vagrantfile beside it runs in every VM. The unit
// tests check its pinned Go release against go.mod and its handling of bad
// options; the integration test (root) runs its build-and-preload part on
// this host with --local, the way `vagrant provision` runs it in a VM.
package vagrant
