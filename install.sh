#!/usr/bin/env bash
# Installs what `npm test` needs on a Debian/Ubuntu machine, idempotently: the system packages of
# the chosen provider (default local) and the npm dependencies (npm ci). Only what is missing is
# installed; what is there counts, whoever installed it (nothing is replaced). It asks for root
# (sudo) only when there is something to install.
#   ./install.sh                           local provider: Docker Engine (dockerd), containerd,
#                                          runc, CNI plugins, debootstrap, iptables, conntrack...
#   ./install.sh --provider kind           kind provider: a Docker engine, Go (kind is built here) and
#                                          debootstrap (the offline node image and image bases)
#   ./install.sh --provider existing       a Docker engine (to build the demo images)
#   (every provider: Chromium, which opens the report page headless)
#   ./install.sh --dry-run [--provider P]  print found / missing / would install; change nothing
set -euo pipefail
cd "$(dirname "$0")"
args=("$@")

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: %s\n' "$*" >&2; exit 1; }

provider=local
dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) provider="${2:-}"; shift 2 || die "--provider needs a value (local, kind or existing)" ;;
    --provider=*) provider="${1#*=}"; shift ;;
    --dry-run|-n) dry_run=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (use --provider local|kind|existing, --dry-run, --help)" ;;
  esac
done
case "$provider" in local|kind|existing) ;; *) die "unknown provider '$provider' (use local, kind or existing)" ;; esac

# PROBE_INSTALL_ROOT prefixes the files checked (not the commands: those come from PATH); the
# tests use it with PATH shims to put install.sh's decisions before simulated machines.
root="${PROBE_INSTALL_ROOT:-}"
GO_MIN_MINOR=24

on_path() { command -v "$1" 2>/dev/null; }

# One row per thing checked: "what|state|detail|package". state: found, missing, cannot.
rows=()
to_install=()
cannot=()
found() { rows+=("$1|found|$2|"); }
need() { # what package why
  rows+=("$1|missing|$3|$2")
  case " ${to_install[*]:-} " in *" $2 "*) ;; *) to_install+=("$2") ;; esac
}
refuse() { rows+=("$1|cannot|$2|"); cannot+=("$1"); }

# A command, else the package that provides it.
check_command() { # command package
  local p
  if p=$(on_path "$1"); then found "$1" "$p"; else need "$1" "$2" "not on PATH"; fi
}

docker_answers() { docker info --format '{{.ServerVersion}}' 2>/dev/null | grep -qv '^$'; }

# The suite builds the demo images with a Docker engine, and starts dockerd itself when none runs:
# a docker client alone (a new machine of this kind has one) is not enough.
check_docker_engine() {
  local p
  if p=$(on_path dockerd); then
    found "dockerd" "$p (the suite starts it when no engine runs)"
  elif on_path docker >/dev/null && docker_answers; then
    found "dockerd" "none on PATH, but a Docker engine answers docker info"
  else
    need "dockerd" docker.io "no Docker engine answers and dockerd is not installed (a docker client alone cannot build images)"
  fi
  check_command docker docker.io
}

check_go() {
  local go minor candidate
  go=$(on_path go || { [ -x "$root/usr/local/go/bin/go" ] && echo "$root/usr/local/go/bin/go"; } || true)
  if [ -n "$go" ]; then
    minor=$("$go" env GOVERSION 2>/dev/null | sed -E 's/^go1\.([0-9]+).*/\1/')
    if [ -n "$minor" ] && [ "$minor" -ge "$GO_MIN_MINOR" ] 2>/dev/null; then
      found "go" "$go ($("$go" env GOVERSION))"
    else
      refuse "go" "$go is $("$go" env GOVERSION 2>/dev/null || echo 'of unknown version'): Kubernetes and kind need Go 1.$GO_MIN_MINOR or newer, install it from go.dev/dl (Debian's golang-go is older)"
    fi
    return
  fi
  # Debian's golang-go is only useful if new enough (bookworm's is 1.19).
  candidate=$(apt-cache policy golang-go 2>/dev/null | sed -n 's/^ *Candidate: *//p' | sed -E 's/^[0-9]+://; s/^1\.([0-9]+).*/\1/')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && [ "$candidate" -ge "$GO_MIN_MINOR" ] 2>/dev/null; then
    need "go" golang-go "not on PATH"
  else
    refuse "go" "not on PATH, and the apt sources offer no golang-go >= 1.$GO_MIN_MINOR (candidate: ${candidate:-none}): install Go 1.$GO_MIN_MINOR+ from go.dev/dl and put it on PATH"
  fi
}

check_node() {
  local p major
  if p=$(on_path node); then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -ge 20 ]; then found "node" "$p ($(node -v))"; else refuse "node" "$p is $(node -v): the suite needs Node.js 20 or newer (nodesource or nvm)"; fi
  else
    # Debian's nodejs is only useful if new enough (bookworm's is 18).
    major=$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *//p' | sed -E 's/^[0-9]+://; s/^([0-9]+).*/\1/')
    if [ -n "$major" ] && [ "$major" -ge 20 ] 2>/dev/null; then
      need "node" nodejs "not on PATH"
    else
      refuse "node" "not on PATH, and the apt sources offer no nodejs >= 20 (candidate: ${major:-none}): install Node.js 20+ with npm (nodesource or nvm)"
      return
    fi
  fi
  check_command npm npm
}

check_cni() {
  local dir="$root/usr/lib/cni" missing=""
  for plugin in bridge host-local portmap loopback; do [ -x "$dir/$plugin" ] || missing="$missing $plugin"; done
  if [ -z "$missing" ]; then found "CNI plugins" "$dir"; else need "CNI plugins" containernetworking-plugins "missing in $dir:$missing"; fi
}

# --runtime containerd2 builds runc with cgo, statically against libseccomp (harness/cluster/local/runtime.ts).
check_runc_build() {
  check_command gcc gcc
  if [ -s "$root/usr/include/stdio.h" ]; then found "C headers" "$root/usr/include/stdio.h"; else need "C headers" libc6-dev "no /usr/include/stdio.h"; fi
  local lib="" f
  for f in "$root"/usr/lib/*-linux-gnu/libseccomp.a "$root"/usr/lib/libseccomp.a; do [ -f "$f" ] && { lib=$f; break; }; done
  if [ -n "$lib" ]; then found "libseccomp.a" "$lib"; else need "libseccomp.a" libseccomp-dev "no static libseccomp"; fi
}

check_ca() {
  if [ -s "$root/etc/ssl/certs/ca-certificates.crt" ]; then found "CA certificates" "$root/etc/ssl/certs/ca-certificates.crt"; else need "CA certificates" ca-certificates "no /etc/ssl/certs/ca-certificates.crt"; fi
}

check_node
case "$provider" in
  local)
    check_docker_engine
    check_go
    check_command containerd containerd
    check_command runc runc
    check_cni
    check_command debootstrap debootstrap
    check_command iptables iptables
    check_command ip iproute2
    check_command ss iproute2
    check_command openssl openssl
    check_command conntrack conntrack
    check_command ps procps
    check_command nsenter util-linux
    check_runc_build
    check_ca
    ;;
  kind)
    check_docker_engine
    check_go
    # without a registry: the offline image bases and the suite's own node image start from debootstrap
    check_command debootstrap debootstrap
    ;;
  existing)
    check_docker_engine
    ;;
esac
# every provider: the run opens its report page (reports/index.html) in headless Chromium
check_command chromium chromium

# apt-get update happens only when something is to be installed (not in a dry run), so the
# candidate check of a dry run reads whatever lists the machine has.
candidate_of() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | head -n1; }

verb="would install"; [ "$dry_run" -eq 1 ] || verb="installing"
say "checking what the $provider provider needs$([ "$dry_run" -eq 1 ] && echo ' (dry run: nothing is changed)')"
for row in "${rows[@]}"; do
  IFS='|' read -r what state detail pkg <<<"$row"
  case "$state" in
    found) printf 'install:   found    %-16s %s\n' "$what" "$detail" ;;
    missing) printf 'install:   missing  %-16s %s -> %s %s\n' "$what" "$detail" "$verb" "$pkg" ;;
    cannot) printf 'install:   missing  %-16s cannot install: %s\n' "$what" "$detail" ;;
  esac
done

npm_current() { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; }

if [ "$dry_run" -eq 1 ]; then
  if [ ${#to_install[@]} -gt 0 ]; then
    details=()
    for p in "${to_install[@]}"; do
      c=$(candidate_of "$p"); details+=("$p${c:+ ($c)}")
    done
    say "would run: apt-get update; apt-get install --no-install-recommends ${to_install[*]}"
    say "apt candidates: ${details[*]}"
  else
    say "system packages: nothing to install"
  fi
  if npm_current; then say "npm dependencies present"; else say "would run: npm ci"; fi
  [ ${#cannot[@]} -eq 0 ] || say "cannot install: ${cannot[*]} (see above)"
  exit 0
fi

if [ ${#to_install[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    # Root only for apt; npm ci then runs as the caller again (SUDO_USER), with the caller's PATH.
    if command -v sudo >/dev/null; then say "root is needed to install ${to_install[*]}: running again with sudo"; exec sudo env "PATH=$PATH" "$0" ${args[@]+"${args[@]}"}; fi
    die "run as root to install ${to_install[*]} (sudo is not installed)"
  fi
  command -v apt-get >/dev/null || die "apt-get not found: install ${to_install[*]} by hand (see docs/local-cluster.md)"
  say "apt-get update"
  apt-get update -qq
  installable=()
  for p in "${to_install[@]}"; do
    c=$(candidate_of "$p")
    if [ -z "$c" ] || [ "$c" = "(none)" ]; then
      say "cannot install $p: no apt source offers it (apt-cache policy $p shows no candidate); add a Debian/Ubuntu mirror that has it"
      cannot+=("$p")
    else
      installable+=("$p")
    fi
  done
  if [ ${#installable[@]} -gt 0 ]; then
    say "installing ${installable[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${installable[@]}" >/dev/null
  fi
else
  say "system packages present ($provider provider)"
fi

# npm runs as the user who called sudo, so node_modules and ~/.npm stay theirs.
# PATH passes through: sudo's secure_path would hide a node or go installed outside /usr/bin.
as_user() { if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then sudo -u "$SUDO_USER" -H env "PATH=$PATH" "$@"; else "$@"; fi; }
if on_path node >/dev/null; then
  if npm_current; then
    say "npm dependencies present"
  else
    say "npm ci"
    as_user npm ci --no-audit --no-fund --loglevel=error
  fi
fi
[ ${#cannot[@]} -eq 0 ] || die "not installed: ${cannot[*]} (see the lines above); the rest is in place"
say "done. Run the suite with: npm test"
