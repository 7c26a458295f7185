#!/usr/bin/env bash
# A configuration that differs from <from> (a .config or a configs/*_defconfig)
# in the Kconfig symbols given (SYMBOL=y or SYMBOL=n, without CONFIG_),
# resolved by kconfiglib and written to <dir>/.config only when it changes
# (so that an unchanged configuration rebuilds nothing).  Fails, naming the
# symbol, when one does not take its value (a dependency not met).
#
#   scripts/config-variant.sh <from> <dir> SYMBOL=y|n...
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 <.config or defconfig> <dir> SYMBOL=y|n..." >&2; exit 2; }
from=$1 dir=$2
shift 2
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$from" "$tmp/in"
for a in "$@"; do
	sym=${a%%=*} val=${a#*=}
	case $val in y|n) ;; *) echo "$0: $a: the value must be y or n" >&2; exit 2 ;; esac
	grep -v -e "^CONFIG_$sym=" -e "^# CONFIG_$sym is not set" "$tmp/in" >"$tmp/next" || true
	if [ "$val" = y ]; then echo "CONFIG_$sym=y"; else echo "# CONFIG_$sym is not set"; fi >>"$tmp/next"
	mv "$tmp/next" "$tmp/in"
done
KCONFIG_CONFIG=$tmp/out /usr/bin/python3 -m defconfig --kconfig Kconfig "$tmp/in" >/dev/null
for a in "$@"; do
	sym=${a%%=*} val=${a#*=}
	if [ "$val" = y ]; then grep -q "^CONFIG_$sym=y" "$tmp/out"; else ! grep -q "^CONFIG_$sym=y" "$tmp/out"; fi ||
		{ echo "$0: CONFIG_$sym did not become $val" >&2; exit 1; }
done
cmp -s "$tmp/out" "$dir/.config" || cp "$tmp/out" "$dir/.config"
