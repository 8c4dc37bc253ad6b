#!/usr/bin/env bash
# DFU download speed: blinkdoc against Debian's dfu-util on the same virtual
# device (tests/virtual: umockdev, the DfuSe model, run by bd-vrun).
#
#   bench/dfu.sh [BUILD_DIR]          (default: build; RUNS=N repetitions, default 5)
#
# For a P2 (RTL872x, 1 MiB user part ending at 0x08600000, like a real app
# that grows down from there) and a Boron (nRF52840, the largest user part,
# 256 KiB at 0xB4000) it times, each run on a fresh virtual device in DFU mode:
#   dfu-util -D        erase + write (no verify, stays in DFU mode)
#   dfu-util -U        read the same range back (what blinkdoc's verify does)
#   blinkdoc flash     plan + erase + write + verify + leave DFU + wait until
#                      the device is back; its phases come from its own -v
#                      lines (time-stamped as they arrive) and the write rate
#                      from its own progress line
# Timing runs inside bd-vrun (the bed's set-up is not counted); max RSS is the
# client's own (GNU time -v).  With hyperfine, the same commands are also timed
# end to end, bed set-up included, next to a bed-only baseline.
#
# The numbers measure the emulator more than the tools: every control transfer
# is an ioctl that umockdev forwards to the bed's thread, erase/write cost no
# time there, and "leave + back" is mostly the model's fixed 500 ms manifest
# countdown + 250 ms re-enumeration + blinkdoc's 200 ms poll.  Use them to
# compare request counts and waits, not to predict hardware (where a 4 KB
# nRF52840 page erase takes ~85 ms and an STM32F2 128 KB sector 1-2 s).
#
# Needs: root (the umockdev preload, as the tests), a build of this tree
# (bd-vrun, blinkdoc), dfu-util, cc.  Optional: hyperfine, GNU time.
#   apt-get install dfu-util hyperfine time
set -euo pipefail
export LC_ALL=C

build=${1:-build}
runs=${RUNS:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(dirname "$here")
die() { echo "bench/dfu.sh: $*" >&2; exit 2; }

[ -d "$build" ] || die "no build directory $build; build first (cmake -S . -B $build && cmake --build $build)"
build=$(cd "$build" && pwd)
bd=$build/tui/blinkdoc
vrun=$build/tests/virtual/bd-vrun
[ -x "$bd" ] || die "no $bd; build first"
[ -x "$vrun" ] || die "no $vrun; build the tests (tests/virtual) first"
command -v dfu-util >/dev/null || die "dfu-util is not installed (apt-get install dfu-util)"
command -v cc >/dev/null || die "no C compiler (cc) to build the module writer"
[ "$(id -u)" -eq 0 ] || echo "warning: not root; the virtual devices may not work (the tests run as root)" >&2
gnutime=
[ -x /usr/bin/time ] && gnutime=/usr/bin/time
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not \"$runs\""

work=$(mktemp -d /tmp/bench-dfu.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- module files: the tests' own writer (tests/module/modbuild.c) --------
cat >"$work/mkmod.c" <<'EOF'
/* mkmod OUT PLATFORM START LEN: a valid user part (function 5, index 1,
 * depending on system part 1 v6200) of exactly LEN bytes starting at START,
 * with a body that is not one repeated byte. */
#include <stdio.h>
#include <stdlib.h>

#include "modbuild.h"

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: mkmod OUT PLATFORM START LEN\n");
		return 2;
	}
	struct modbuild b = {0};
	size_t want = strtoul(argv[4], NULL, 0);
	b.platform = (unsigned short)strtoul(argv[2], NULL, 0);
	b.start = (unsigned)strtoul(argv[3], NULL, 0);
	b.func = 5;
	b.index = 1;
	b.version = 6;
	b.dep_func[0] = 4;
	b.dep_index[0] = 1;
	b.dep_version[0] = 6200;
	b.body_len = want - 24 - 36 - 4;
	b.sha_seed = 7;
	size_t n;
	unsigned char *m = modbuild(&b, &n);
	for (size_t i = 24; i + 40 < n; i++)
		m[i] = (unsigned char)(i * 13 + (i >> 9));
	modbuild_fix_crc(m, n - 4);
	FILE *f = fopen(argv[1], "wb");
	if (!f || fwrite(m, 1, n, f) != n || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(m);
	return 0;
}
EOF
cc -std=c11 -O2 -I"$src/tests/module" -o "$work/mkmod" "$work/mkmod.c" \
	"$src/tests/module/modbuild.c"

# name scenario usb-id platform-id address bytes
targets=(
	"p2 p2-dfu 2b04:d020 32 0x08500000 1048576"
	"boron boron-dfu 2b04:d00d 13 0x000B4000 262144"
)

# Runs "$@" inside a fresh bed of scenario $2; $1 names the result files.
# Each output line is stamped with the time it arrived; $1.t holds
# "start end status"; $1.time GNU time's report; $1.flash what the device
# holds at ADDR:LEN afterwards (when DUMP=ADDR:LEN is set).
# shellcheck disable=SC2016 # expanded by the inner bash, under the preload
inner='out=$1; shift
t0=$EPOCHREALTIME
{ if [ -n "$GNUTIME" ]; then "$GNUTIME" -v -o "$out.time" "$@"; else "$@"; fi; } </dev/null 2>&1 |
	while IFS= read -r l; do printf "%s %s\n" "$EPOCHREALTIME" "$l"; done >"$out.log"
rc=${PIPESTATUS[0]}
echo "$t0 $EPOCHREALTIME $rc" >"$out.t"'
measure() {
	local out=$1 scen=$2
	shift 2
	local dump=()
	[ -n "${DUMP:-}" ] && dump=(--dump-flash "0:$DUMP:$out.flash")
	GNUTIME=$gnutime "$vrun" --scenario "$scen" --timeout 120 "${dump[@]}" -- \
		bash -c "$inner" inner "$out" "$@" || true
	local rc
	rc=$(awk '{print $3}' "$out.t" 2>/dev/null || echo 125)
	if [ "$rc" != 0 ]; then
		echo "bench/dfu.sh: failed (status $rc): $*" >&2
		cat "$out.log" >&2 2>/dev/null || true
		exit 1
	fi
}

# Seconds between the first lines of $1 matching $2 and $3 ("START"/"END":
# the run's own start and end).
span() {
	awk -v a="$2" -v b="$3" -v t="$1.t" '
		BEGIN { getline x <t; split(x, f, " "); s = f[1]; e = f[2] }
		ta == "" && index($0, a) { ta = $1 }
		tb == "" && index($0, b) { tb = $1 }
		END {
			if (a == "START") ta = s
			if (b == "END") tb = e
			if (ta == "" || tb == "") {
				printf "bench/dfu.sh: no \"%s\" or \"%s\" line in %s.log\n", a, b, FILENAME >"/dev/stderr"
				exit 1
			}
			printf "%.4f\n", tb - ta
		}' "$1.log"
}

# "median min max" of the numbers on stdin.
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

rss_max() {
	[ -n "$gnutime" ] || { echo "-"; return; }
	cat "$@" 2>/dev/null | awk -F': ' '/Maximum resident set size/ { if ($2 > m) m = $2 }
		END { print m ? m : "-" }'
}

# One table row from the times on stdin: LABEL BYTES (0: no rate) [GNU time files].
row() {
	local label=$1 bytes=$2 med lo hi rate=- rss=-
	shift 2
	read -r med lo hi < <(stats)
	[ "$bytes" != 0 ] && rate=$(awk -v b="$bytes" -v s="$med" 'BEGIN { printf "%.0f", b / 1024 / s }')
	[ $# -gt 0 ] && rss=$(rss_max "$@")
	printf '%-44s %8s %8s %8s %9s %9s\n' "$label" "$med" "$lo" "$hi" "$rate" "$rss"
}

printf '== DFU download: blinkdoc vs dfu-util on the virtual devices (%s runs each)\n' "$runs"
printf 'blinkdoc: %s (%s)\ndfu-util: %s\nhost: %s, %s CPUs, load %s\n\n' "$bd" \
	"$("$bd" --version 2>/dev/null | head -1)" "$(dfu-util -V 2>/dev/null | head -1)" \
	"$(uname -sr)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

for t in "${targets[@]}"; do
	read -r name scen usbid plat addr size <<<"$t"
	file=$work/$name.bin
	"$work/mkmod" "$file" "$plat" "$addr" "$size"
	up=$work/$name-up.bin
	cmd_dl=(dfu-util -d "$usbid" -a 0 -s "$addr" -D "$file")
	cmd_ul=(dfu-util -d "$usbid" -a 0 -s "$addr:$size" -U "$up")
	cmd_bd=("$bd" flash "$file" --yes -v)
	for i in $(seq 1 "$runs"); do
		DUMP=$addr:$size measure "$work/$name-dl-$i" "$scen" "${cmd_dl[@]}"
		cmp -s "$file" "$work/$name-dl-$i.flash" || { echo "dfu-util -D did not write $file correctly" >&2; exit 1; }
		rm -f "$up"
		measure "$work/$name-ul-$i" "$scen" "${cmd_ul[@]}"
		DUMP=$addr:$size measure "$work/$name-bd-$i" "$scen" "${cmd_bd[@]}"
		cmp -s "$file" "$work/$name-bd-$i.flash" || { echo "blinkdoc did not write $file correctly" >&2; exit 1; }
	done

	kb=$(awk -v n="$size" 'BEGIN { printf "%.0f", n / 1024 }')
	printf '== %s: %s bytes (%s KB) at %s, scenario %s\n' "$name" "$size" "$kb" "$addr" "$scen"
	printf '%-44s %8s %8s %8s %9s %9s\n' "what (time inside the bed)" "median s" "min s" "max s" \
		"KB/s" "maxRSS KB"
	for i in $(seq 1 "$runs"); do span "$work/$name-dl-$i" START END; done |
		row "dfu-util -D (erase+write)" "$size" "$work/$name-dl-"*.time
	for i in $(seq 1 "$runs"); do span "$work/$name-ul-$i" START END; done |
		row "dfu-util -U (read back)" "$size" "$work/$name-ul-"*.time
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" START END; done |
		row "blinkdoc flash --yes (all of it)" "$size" "$work/$name-bd-"*.time
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" START "dfu: erasing"; done |
		row "  start: list, check file, open DFU" 0
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" "dfu: erasing" "dfu: writing"; done |
		row "  erase" 0
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" "dfu: writing" "dfu: reading back"; done |
		row "  write" "$size"
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" "dfu: erasing" "dfu: reading back"; done |
		row "  erase+write (what dfu-util -D does)" "$size"
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" "dfu: reading back" "dfu: verified"; done |
		row "  verify (read back, compare)" "$size"
	for i in $(seq 1 "$runs"); do span "$work/$name-bd-$i" "dfu: verified" "device is back"; done |
		row "  leave DFU + wait until the device is back" 0
	printf 'blinkdoc write phase by its own progress line: %s\n' "$(
		for i in $(seq 1 "$runs"); do
			grep -o 'write: 100% ([^)]*)' "$work/$name-bd-$i.log" | tail -1 |
				sed 's/.*KB, \([^,]*\),.*/\1/'
		done | paste -sd' ')"
	printf 'commands (each inside: %s --scenario %s -- ...;\n  %s is the generated user part, removed at exit):\n' \
		"$vrun" "$scen" "$file"
	printf '  %s\n' "${cmd_dl[*]}" "${cmd_ul[*]}" "${cmd_bd[*]}"
	echo

	if command -v hyperfine >/dev/null; then
		echo "== $name end to end with hyperfine (bed set-up included; subtract the first row)"
		hyperfine -N --style basic --warmup 1 --runs "$runs" --export-markdown "$work/$name-hf.md" \
			-n "bed only" "$vrun --scenario $scen -- true" \
			-n "dfu-util -D" "$vrun --scenario $scen -- ${cmd_dl[*]}" \
			-n "blinkdoc flash --yes" "$vrun --scenario $scen -- $bd flash $file --yes" \
			>/dev/null
		cat "$work/$name-hf.md"
		echo
	fi
done
