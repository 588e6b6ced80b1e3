// Package crictl only pins sigs.k8s.io/cri-tools for the kind node image: the binary is built
// from the dependency's own main package (go build sigs.k8s.io/cri-tools/cmd/crictl, see the
// tool line of go.mod), since a main package cannot be imported. cri-tools v1.35.0 is not
// served by the Go module proxy here (403); v1.34.0 speaks CRI v1 like every runtime since
// containerd 1.6.
package crictl
