#!/usr/bin/env bash
# The configuration make bench and make bench-plot build with: <from> (a
# .config or a configs/*_defconfig) with CONFIG_PMAP_DEBUG off, whose
# invariant checks distort the numbers, written to <dir>/.config only when
# it changes (so that an unchanged configuration rebuilds nothing).
#
#   scripts/bench-config.sh <from> <dir>
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <.config or defconfig> <dir>" >&2; exit 2; }
from=$1 dir=$2
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ grep -v -e '^CONFIG_PMAP_DEBUG=' -e '^# CONFIG_PMAP_DEBUG is not set' "$from" || true
  echo '# CONFIG_PMAP_DEBUG is not set'; } >"$tmp/in"
KCONFIG_CONFIG=$tmp/out /usr/bin/python3 -m defconfig --kconfig Kconfig "$tmp/in" >/dev/null
grep -q '^CONFIG_PMAP_DEBUG=y' "$tmp/out" && { echo "$0: CONFIG_PMAP_DEBUG stayed on" >&2; exit 1; }
cmp -s "$tmp/out" "$dir/.config" || cp "$tmp/out" "$dir/.config"
