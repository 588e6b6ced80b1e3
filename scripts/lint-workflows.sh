#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint.
# actionlint is installed on first use from its Go module
# (go install github.com/rhysd/actionlint/cmd/actionlint@<version>) into a version-keyed
# directory of the suite's cache, outside the repository:
#   ${PROBE_CACHE_DIR:-~/.cache/probe-conformance}/tools/actionlint-<version>/actionlint
# When shellcheck is on PATH, actionlint also checks every `run:` script with it.
# Usage: scripts/lint-workflows.sh [actionlint options]   (e.g. -verbose, -color)
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=${ACTIONLINT_VERSION:-v1.7.12}
ACTIONLINT_MODULE=github.com/rhysd/actionlint/cmd/actionlint

say() { printf 'lint-workflows: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

cache_dir=${PROBE_CACHE_DIR:-$HOME/.cache/probe-conformance}
bin_dir="$cache_dir/tools/actionlint-$ACTIONLINT_VERSION"
actionlint="$bin_dir/actionlint"

installed_version() { "$actionlint" -version 2>/dev/null | head -n 1; }

if [ ! -x "$actionlint" ] || [ "$(installed_version)" != "$ACTIONLINT_VERSION" ]; then
  go=$(command -v go || true)
  if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
  [ -n "$go" ] || die "Go is needed to install actionlint ($ACTIONLINT_MODULE@$ACTIONLINT_VERSION): install Go 1.24 or newer"
  mkdir -p "$bin_dir"
  say "installing actionlint $ACTIONLINT_VERSION into $bin_dir"
  GOBIN="$bin_dir" CGO_ENABLED=0 "$go" install "$ACTIONLINT_MODULE@$ACTIONLINT_VERSION"
  [ "$(installed_version)" = "$ACTIONLINT_VERSION" ] || die "$actionlint does not report $ACTIONLINT_VERSION after installing"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#workflows[@]} -gt 0 ] || die "no workflow files in .github/workflows/"

if command -v shellcheck >/dev/null; then
  say "actionlint $ACTIONLINT_VERSION, with $(shellcheck --version | sed -n 's/^version: /shellcheck /p'), on ${workflows[*]}"
else
  say "actionlint $ACTIONLINT_VERSION on ${workflows[*]} (shellcheck not on PATH: run: scripts are not shellchecked)"
fi
"$actionlint" "$@" "${workflows[@]}"
say "no problems found"
