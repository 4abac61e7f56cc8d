#!/usr/bin/env bash
# ci/apt-install.sh PACKAGE...: installs from Debian what tests need (the container tests'
# runtimes, the real programs the end-to-end tests checkpoint). Idempotent: packages already
# there are not asked for again, and the package lists are fetched only when something is
# missing. Exit status 1, with the reason on stderr, when apt-get cannot install them (the
# tests that need them then skip, saying so).
set -uo pipefail
packages=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "not root: cannot apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/criu-ts-apt.log 2>&1; then
  echo "apt-get install ${missing[*]} failed (log: /tmp/criu-ts-apt.log): $(tail -n 1 /tmp/criu-ts-apt.log)" >&2
  exit 1
fi
