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
if ! msg=$(scripts/config-variant.sh "$config" "$dir" PMAP_TABLE_CALLS=y 2>&1); then
	printf 'KTAP version 1\n1..1\n# CONFIG_PMAP_TABLE_CALLS could not be set: %s\n' "$msg"
	echo "not ok 1 table_calls_config"
	exit 1
fi
if ! env -u MAKEFLAGS -u MFLAGS make -s -j2 O="$dir" "$dir/host/pmapkit-host" >"$dir/build.log" 2>&1; then
	printf 'KTAP version 1\n1..1\n# the build with CONFIG_PMAP_TABLE_CALLS failed: %s/build.log\n' "$dir"
	grep -m 5 -E 'error|Error' "$dir/build.log" | sed 's/^/# /'
	echo "not ok 1 table_calls_build"
	exit 1
fi
exec "$dir/host/pmapkit-host"
