#!/usr/bin/env bash
# Installs what `npm test` needs on a Debian/Ubuntu machine, idempotently:
# system packages (Docker Engine, containerd, runc, CNI plugins, debootstrap, busybox-static,
# iptables, openssl, Go if missing) and the npm dependencies (npm ci).
# Run as root. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh): it installs system packages and the cluster runs as root"
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian/Ubuntu; install the packages listed in docs/install.md by hand"

packages=(docker.io containerd runc containernetworking-plugins debootstrap busybox-static
          iptables iproute2 openssl conntrack procps util-linux ca-certificates)
command -v go >/dev/null || packages+=(golang-go)
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "system packages present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node -v) is too old: install Node.js 20 or newer"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "$go_minor" -ge 24 ] || die "$(go env GOVERSION) is too old to build Kubernetes 1.34: install Go 1.24 or newer"

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "npm dependencies present"
else
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "done. Run the suite with: npm test"
