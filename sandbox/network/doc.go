// Package network gives containers an address, a way out and published
// ports, the way docker's default bridge network does, in small steps a
// learner can read:
//
//   - a bridge (dockling0), a virtual switch on the host with its own subnet
//     (10.77.0.0/16) and the gateway address 10.77.0.1;
//   - per container a veth pair: a virtual cable whose host end is plugged
//     into the bridge and whose other end becomes eth0 inside the
//     container's network namespace;
//   - an address for each container from a pool (IPAM) that is written to
//     disk under a lock, so two containers never get the same one;
//   - NAT with iptables: MASQUERADE so containers reach the outside world
//     with the host's address, DNAT so a host port (-p 8080:80) reaches a
//     container port.
//
// Like the rest of sandbox, setup is a plan of explain.Ops: the same list
// does the work, feeds --explain and prints as --script. Everything a
// container adds (its host veth, its iptables rules, its lease) is written
// down in an Attachment first, so Teardown can remove exactly that, even
// after dockling was killed with SIGKILL.
//
// What is shared by all containers (the bridge, forwarding, the MASQUERADE
// and FORWARD rules) is made on first use and left in place, as docker
// leaves docker0; Destroy removes it when no container is attached.
package network
