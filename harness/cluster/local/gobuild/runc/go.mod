// runc built from the Go module proxy, the OCI runtime for the containerd 2 runtime of the local
// provider. runc is a program (its main package is the module root), so this module only pins it
// and names it as a tool; it is built by package path here. It needs cgo (libcontainer/nsenter is
// C) and, with the seccomp tag, Debian's libseccomp-dev:
//   CGO_ENABLED=1 go build -trimpath -buildmode=pie -tags 'seccomp urfave_cli_no_docs netgo osusergo' \
//     -ldflags '-s -w -X main.gitCommit=v1.4.4 -linkmode external -extldflags -static-pie' \
//     -o runc github.com/opencontainers/runc
// (static PIE as runc's `make static`; without the last three ldflags words and netgo osusergo it
// is a dynamic PIE that needs libseccomp.so.2 at run time). runc's go.mod has no replace or exclude.
module probe-conformance.local/runc

go 1.24.0

tool github.com/opencontainers/runc

require (
	cyphar.com/go-pathrs v0.2.5 // indirect
	github.com/checkpoint-restore/go-criu/v7 v7.2.0 // indirect
	github.com/cilium/ebpf v0.17.3 // indirect
	github.com/containerd/console v1.0.5 // indirect
	github.com/coreos/go-systemd/v22 v22.7.0 // indirect
	github.com/cpuguy83/go-md2man/v2 v2.0.7 // indirect
	github.com/cyphar/filepath-securejoin v0.7.0 // indirect
	github.com/docker/go-units v0.5.0 // indirect
	github.com/godbus/dbus/v5 v5.1.0 // indirect
	github.com/moby/sys/capability v0.5.0 // indirect
	github.com/moby/sys/mountinfo v0.7.2 // indirect
	github.com/moby/sys/user v0.4.0 // indirect
	github.com/moby/sys/userns v0.1.0 // indirect
	github.com/mrunalp/fileutils v0.5.1 // indirect
	github.com/opencontainers/cgroups v0.1.0 // indirect
	github.com/opencontainers/runc v1.4.4 // indirect
	github.com/opencontainers/runtime-spec v1.3.0 // indirect
	github.com/opencontainers/selinux v1.13.0 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/seccomp/libseccomp-golang v0.11.1 // indirect
	github.com/sirupsen/logrus v1.9.3 // indirect
	github.com/urfave/cli v1.22.17 // indirect
	github.com/vishvananda/netlink v1.3.1 // indirect
	github.com/vishvananda/netns v0.0.5 // indirect
	golang.org/x/net v0.43.0 // indirect
	golang.org/x/sys v0.38.0 // indirect
	google.golang.org/protobuf v1.36.8 // indirect
)
