#!/usr/bin/env bash
# Installs what `npm test` needs on a Debian/Ubuntu machine, idempotently: the system packages of
# the chosen provider (default local) and the npm dependencies (npm ci). Run as root; safe to run
# again: it only installs what is missing.
#   sudo ./install.sh                    local provider: Docker Engine, containerd, runc, CNI plugins,
#                                        debootstrap, busybox-static, iptables, openssl, conntrack, Go
#   sudo ./install.sh --provider kind    kind provider: Docker and Go (kind is built from its Go module)
#   sudo ./install.sh --provider existing  only Docker (to build the demo images)
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: %s\n' "$*" >&2; exit 1; }

provider=local
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) provider="${2:-}"; shift 2 ;;
    --provider=*) provider="${1#*=}"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (use --provider local|kind|existing)" ;;
  esac
done
case "$provider" in local|kind|existing) ;; *) die "unknown provider '$provider' (use local, kind or existing)" ;; esac

[ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh): it installs system packages"
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian/Ubuntu; install the packages listed in docs/local-cluster.md by hand"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# What is there already counts, whoever installed it (GitHub's runners have Docker's own docker-ce
# and containerd.io, which conflict with Debian's docker.io/containerd): check commands, not packages.
missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v node >/dev/null || missing+=(nodejs npm)
command -v go >/dev/null || [ "$provider" = existing ] || missing+=(golang-go)
if [ "$provider" = local ]; then
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || installed containernetworking-plugins || missing+=(containernetworking-plugins)
  for p in debootstrap busybox-static iptables iproute2 openssl conntrack procps util-linux ca-certificates; do
    installed "$p" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "system packages present ($provider provider)"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node -v) is too old: install Node.js 20 or newer"
if [ "$provider" != existing ]; then
  go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
  [ "$go_minor" -ge 24 ] || die "$(go env GOVERSION) is too old to build Kubernetes and kind: install Go 1.24 or newer"
fi

# npm runs as the user who called sudo, so node_modules and ~/.npm stay theirs.
as_user() { if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then sudo -u "$SUDO_USER" -H "$@"; else "$@"; fi; }
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "npm dependencies present"
else
  say "npm ci"
  as_user npm ci --no-audit --no-fund --loglevel=error
fi
say "done. Run the suite with: npm test"
