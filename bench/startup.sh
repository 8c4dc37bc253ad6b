#!/usr/bin/env bash
# Startup cost of blinkdoc: wall time (hyperfine), peak memory (GNU time) and
# instruction count (callgrind, repeatable regardless of machine load), for
# --version and for a full `diagnose` (which loads and links the whole
# knowledge base).  With PARTICLE=path/to/particle it also times
# `particle --version`, the bar to beat.
#
#   bench/startup.sh [BUILD_DIR]          (default: build)
#
# Needs: hyperfine, time (GNU), valgrind.  apt-get install hyperfine time valgrind
set -euo pipefail
build=${1:-build}
bd=$build/tui/blinkdoc
[ -x "$bd" ] || { echo "no $bd; build first" >&2; exit 2; }
diag=("$bd" diagnose --device boron --color red --pattern sos --count 1 --json)
# `devices` starts libusb and libserialport and scans (exit 4 with no device).
devs="$bd devices --json"

echo "== wall time"
hyperfine -N --warmup 5 -r 50 -i "$bd --version" "${diag[*]}" "$devs"
if [ -n "${PARTICLE:-}" ]; then
	hyperfine --warmup 1 -r 5 "$PARTICLE --version"
fi

echo "== peak resident memory (kB)"
for cmd in "$bd --version" "${diag[*]}" "$devs" ${PARTICLE:+"$PARTICLE --version"}; do
	rss=$( (/usr/bin/time -f %M $cmd 2>&1 >/dev/null || true) | tail -1 )
	printf '%8s  %s\n' "$rss" "$cmd"
done

echo "== instructions (callgrind)"
for cmd in "$bd --version" "${diag[*]}" "$devs"; do
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$out" $cmd >/dev/null 2>&1 || true
	printf '%12s  %s\n' "$(grep -m1 '^summary:' "$out" | cut -d' ' -f2)" "$cmd"
	rm -f "$out"
done
