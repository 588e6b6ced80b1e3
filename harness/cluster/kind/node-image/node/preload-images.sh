#!/bin/sh
# Runs in the `preload` stage of the node image build (node/Dockerfile): starts the node's own
# containerd once, imports the component images into its k8s.io namespace (the CRI's), names them
# as kubeadm expects, and checks every name is there. The final image keeps /var/lib/containerd.
#
#   preload-images.sh <images.tar> <images.list>
#
# images.tar is a `docker save` of the component images; each line of images.list is
#   <name in images.tar, as containerd normalizes it> <name in the node> [<more names in the node>]
# e.g. docker.io/probe-conformance/kind-kube:<key> registry.k8s.io/kube-apiserver:v1.35.4 ...
#
# Like kind's own node image builder: blobs only (--no-unpack). The CRI unpacks an image into the
# node's snapshotter the first time a container uses it (it logs "The image ... is not unpacked"
# at start; that is expected), and a build step could not mount the snapshots anyway. The images
# are labelled pinned (io.cri-containerd.pinned), which containerd 1.7+ keeps from image garbage
# collection; containerd 1.6 ignores the label, and kind's kubelet config never collects images
# (imageGCHighThresholdPercent: 100).
set -eu
archive=$1
list=$2
state=/run/containerd-preload
socket=$state/containerd.sock
config=$state/config.toml
logfile=/preload/containerd.log

mkdir -p "$state"
# the CRI plugin is not needed to import (and would try to set up CNI and cgroups in a build step)
cat >"$config" <<EOF
version = 2
root = "/var/lib/containerd"
state = "$state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$socket"
EOF

containerd --config "$config" >"$logfile" 2>&1 &
pid=$!
stop_containerd() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
trap stop_containerd EXIT

ctr_() { ctr --address "$socket" --namespace k8s.io "$@"; }

tries=0
until ctr --address "$socket" version >/dev/null 2>&1; do
	tries=$((tries + 1))
	if [ "$tries" -gt 120 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "preload: containerd did not start; its log:" >&2
		cat "$logfile" >&2
		exit 1
	fi
	sleep 0.5
done

echo "preload: importing $(du -h "$archive" | cut -f1) of images"
ctr_ images import --no-unpack "$archive"

wanted=""
while read -r source names; do
	[ -n "$source" ] || continue
	case "$source" in '#'*) continue ;; esac
	keep=no
	for name in $names; do
		if [ "$name" = "$source" ]; then
			keep=yes
		else
			ctr_ images tag --force "$source" "$name" >/dev/null
		fi
		ctr_ images label "$name" io.cri-containerd.pinned=pinned >/dev/null
		wanted="$wanted $name"
	done
	[ "$keep" = yes ] || ctr_ images rm "$source" >/dev/null
done <"$list"

present=$(ctr_ images list --quiet)
missing=""
for name in $wanted; do
	echo "$present" | grep -qxF "$name" || missing="$missing $name"
done
if [ -n "$missing" ]; then
	echo "preload: missing after the import:$missing" >&2
	echo "preload: present: $(echo "$present" | tr '\n' ' ')" >&2
	exit 1
fi
# every blob of every image is in the content store (nothing left to fetch). The STATUS column
# reads "complete (n/n)"; ctr's exit status is not used: it also asks whether each image is
# unpacked for the overlayfs snapshotter, which a build step cannot load.
if ctr_ images check 2>/dev/null | awk 'NR > 1 && $4 != "complete" { bad = 1; print } END { exit bad }' >&2; then :; else
	echo "preload: some images are incomplete (above)" >&2
	exit 1
fi
echo "preload: $(echo "$wanted" | wc -w) image names in containerd's k8s.io namespace:"
ctr_ images list
stop_containerd
trap - EXIT
rm -rf "$state"
