#!/usr/bin/env bash
# Local architecture matrix: the zdtm catalog on the host's arch (natively), then on every
# other arch with a folder in arch/ (each in its own QEMU guest, all in parallel). Prints one
# line per arch and exits non-zero if any arch failed.
#   ci/matrix.sh [ARCH...|guests] [-- RUNNER-ARGS...]    e.g. ci/matrix.sh s390x -- --filter '^pipe'
# "guests" stands for every arch but the host's.
set -uo pipefail
cd "$(dirname "$0")/.."

host=$(uname -m)
guests=()
for d in arch/*/descriptor.ts; do a=${d#arch/}; a=${a%/descriptor.ts}; [ "$a" = "$host" ] || guests+=("$a"); done
arches=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  if [ "$1" = guests ]; then arches+=("${guests[@]}"); else arches+=("$1"); fi
  shift
done
[ "${1:-}" = "--" ] && shift
[ ${#arches[@]} -eq 0 ] && arches=("$host" "${guests[@]}")

out=$(mktemp -d /tmp/criu-ts-matrix.XXXXXX)
# TypeScript always; the host addon only when missing (node-gyp rebuilds it from scratch).
npm run -s build:ts >"$out/build.log" 2>&1 || { echo "build failed: $out/build.log"; exit 1; }
if [ ! -f native/build/Release/criu_ts.node ]; then
  flock /tmp/criu-ts-native.lock npm run -s build:native >>"$out/build.log" 2>&1 || { echo "build failed: $out/build.log"; exit 1; }
fi

declare -A status
run() { # arch runner-args...: the catalog of one arch, output to $out/<arch>.log
  local a=$1 t0 rc
  shift
  t0=$(date +%s)
  npm run -s zdtm -- --arch "$a" --report "$out/$a" "$@" >"$out/$a.log" 2>&1
  rc=$?
  echo $(( $(date +%s) - t0 )) >"$out/$a.secs"
  return $rc
}
finish() { # arch pid
  wait "$2"
  status[$1]=$?
}

pids=()
for a in "${arches[@]}"; do
  if [ "$a" = "$host" ]; then
    run "$a" "$@" & finish "$a" $!   # natively, alone: it wants both cores
  else
    run "$a" "$@" & pids+=("$a:$!")
  fi
done
for p in "${pids[@]}"; do finish "${p%%:*}" "${p#*:}"; done

fail=0
for a in "${arches[@]}"; do
  summary=$(grep -E '[0-9]+ passed' "$out/$a.log" | tail -1)
  [ -n "$summary" ] || summary=$(grep -E '^(error|criu-ts|zdtm)' "$out/$a.log" | tail -1)
  if [ "${status[$a]}" -eq 0 ]; then verdict=ok; else verdict=FAIL; fail=1; fi
  printf '%-8s %-4s %s (%s s, log %s)\n' "$a" "$verdict" "${summary:-no summary}" "$(cat "$out/$a.secs")" "$out/$a.log"
  # A failed arch shows the end of its log here, where a CI run's output is read.
  [ "$verdict" = ok ] || tail -n 40 "$out/$a.log" | sed "s/^/  $a | /"
done
exit $fail
