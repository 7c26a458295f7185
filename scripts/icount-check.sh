#!/usr/bin/env bash
# make test's instruction-count step (issue 16): build the host binary of
# <config> again without CONFIG_PMAP_DEBUG in <dir> (its checks change the
# lock paths the counts measure), then scripts/icount.py --check against
# tests/icount-budgets for configuration <name>.  KTAP on stdout.
#
#   scripts/icount-check.sh <config> <dir> <name>
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: $0 <config> <dir> <name>" >&2; exit 2; }
config=$1 dir=$2 name=$3
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! scripts/bench-config.sh "$config" "$dir" ||
   ! env -u MAKEFLAGS -u MFLAGS make -s -j2 O="$dir" "$dir/host/pmapkit-host" >"$dir/build.log" 2>&1; then
	printf 'KTAP version 1\n1..1\n# the build without CONFIG_PMAP_DEBUG failed: %s/build.log\n' "$dir"
	grep -m 5 -E 'error|Error' "$dir/build.log" | sed 's/^/# /'
	echo "not ok 1 icount_build"
	exit 1
fi
exec scripts/icount.py --check tests/icount-budgets --config "$name" "$dir/host/pmapkit-host" "$dir/work"
