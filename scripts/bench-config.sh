#!/usr/bin/env bash
# The configuration make bench and make bench-plot build with: <from> (a
# .config or a configs/*_defconfig) with CONFIG_PMAP_DEBUG off, whose
# invariant checks distort the numbers, written to <dir>/.config only when
# it changes (so that an unchanged configuration rebuilds nothing).
#
#   scripts/bench-config.sh <from> <dir>
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <.config or defconfig> <dir>" >&2; exit 2; }
exec "$(dirname "${BASH_SOURCE[0]}")/config-variant.sh" "$1" "$2" PMAP_DEBUG=n
