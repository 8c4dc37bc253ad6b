#!/usr/bin/env bash
# cmake --install puts blinkdoc and its knowledge where the installed binary
# finds them without options: with a prefix, with DESTDIR staging, and after
# moving the whole tree (relocatable).  Also checks --knowledge and
# BLINKDOC_KNOWLEDGE override the default.
set -euo pipefail
build=$1
tmp=$(mktemp -d /tmp/bdinst.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
test -x "$tmp/prefix/bin/blinkdoc" || fail "binary not installed"
test -f "$tmp/prefix/share/blinkdoc/knowledge/devices.json" || fail "knowledge not installed"
ls "$tmp/prefix/share/blinkdoc/knowledge/tree/"*.json >/dev/null || fail "tree not installed"
out=$(cd / && env -u BLINKDOC_KNOWLEDGE "$tmp/prefix/bin/blinkdoc" kb-lint) || fail "installed kb-lint failed: $out"
grep -q "$tmp/prefix/share/blinkdoc/knowledge: OK" <<<"$out" || fail "used the wrong knowledge: $out"

DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/bd >/dev/null
test -x "$tmp/stage/opt/bd/bin/blinkdoc" || fail "DESTDIR install missing"
out=$(env -u BLINKDOC_KNOWLEDGE "$tmp/stage/opt/bd/bin/blinkdoc" kb-lint) || fail "staged kb-lint failed: $out"
grep -q "$tmp/stage/opt/bd/share/blinkdoc/knowledge: OK" <<<"$out" || fail "staged used: $out"

mv "$tmp/prefix" "$tmp/moved"
rc=0
env -u BLINKDOC_KNOWLEDGE "$tmp/moved/bin/blinkdoc" diagnose --device photon --color cyan --pattern breathing >/dev/null || rc=$?
[ "$rc" = 0 ] || fail "relocated diagnose exit $rc"

# Overrides: a directory that is not a knowledge base is refused by name.
rc=0; err=$(BLINKDOC_KNOWLEDGE=/nonexistent "$tmp/moved/bin/blinkdoc" diagnose --device photon --color cyan --pattern breathing 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "/nonexistent (BLINKDOC_KNOWLEDGE)" <<<"$err" || fail "env override: $rc $err"
rc=0; err=$("$tmp/moved/bin/blinkdoc" --knowledge /nope diagnose --device photon --color cyan --pattern breathing 2>&1) || rc=$?
[ "$rc" = 1 ] && grep -q "/nope (--knowledge)" <<<"$err" || fail "--knowledge override: $rc $err"
echo "install OK"
