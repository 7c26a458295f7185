#!/usr/bin/env bash
# make test's "tables through table()" step: build the host suite of
# <config> again in <dir> with CONFIG_PMAP_TABLE_CALLS set (mi/ ignores the
# backend's PMAP_MD_DIRECT_TABLES: table() on every access, pmap_extract
# under the lock, as for a port without a direct map of its tables) and run
# it, so that mi/'s path for such a port stays tested.  KTAP on stdout.
#
#   scripts/table-calls-check.sh <config> <dir>
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <config> <dir>" >&2; exit 2; }
config=$1 dir=$2
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ grep -v -e '^CONFIG_PMAP_TABLE_CALLS=' -e '^# CONFIG_PMAP_TABLE_CALLS is not set' "$config" || true
  echo 'CONFIG_PMAP_TABLE_CALLS=y'; } >"$tmp/in"
if ! KCONFIG_CONFIG=$tmp/out /usr/bin/python3 -m defconfig --kconfig Kconfig "$tmp/in" >/dev/null ||
   ! grep -q '^CONFIG_PMAP_TABLE_CALLS=y' "$tmp/out"; then
	printf 'KTAP version 1\n1..1\n# CONFIG_PMAP_TABLE_CALLS could not be set\nnot ok 1 table_calls_config\n'
	exit 1
fi
cmp -s "$tmp/out" "$dir/.config" || cp "$tmp/out" "$dir/.config"
if ! env -u MAKEFLAGS -u MFLAGS make -s -j2 O="$dir" "$dir/host/pmapkit-host" >"$dir/build.log" 2>&1; then
	printf 'KTAP version 1\n1..1\n# the build with CONFIG_PMAP_TABLE_CALLS failed: %s/build.log\n' "$dir"
	grep -m 5 -E 'error|Error' "$dir/build.log" | sed 's/^/# /'
	echo "not ok 1 table_calls_build"
	exit 1
fi
exec "$dir/host/pmapkit-host"
