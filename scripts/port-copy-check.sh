#!/usr/bin/env bash
# The promise that a backend is one md/ directory: copy md/<backend> under a
# new name in a scratch copy of the tree, rename only what names it (its
# Kconfig symbol and BACKEND string, its defconfig), build, and boot the
# copy in QEMU and run its host suite.  The shared platform (md/x86,
# md/riscv) must not know which backend it serves, so the copy must boot
# exactly as the original does.  KTAP.
#
#   scripts/port-copy-check.sh <backend> <work-dir>
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <backend> <work-dir>" >&2; exit 2; }
orig=$1
work=$(realpath -m "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
new=${orig}-copy
sym_orig=BACKEND_$(echo "$orig" | tr 'a-z-' 'A-Z_')
sym_new=BACKEND_$(echo "$new" | tr 'a-z-' 'A-Z_')
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

echo "KTAP version 1"
echo "1..3"
rm -rf "$work"
mkdir -p "$work/src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard 2>/dev/null ||
	find . -path ./build -prune -o -type f -print0) |
	(cd "$top" && xargs -0 cp --parents -t "$work/src")
src=$work/src
cp -r "$src/md/$orig" "$src/md/$new"
sed -i -e "s/\b$sym_orig\b/$sym_new/g" -e "s/\"$orig\"/\"$new\"/g" "$src/md/$new/Kconfig"
sed -e "s/^CONFIG_$sym_orig=/CONFIG_$sym_new=/" "$src/configs/${orig}_defconfig" >"$src/configs/${new}_defconfig"
echo "# md/$new: a copy of md/$orig, Kconfig symbol $sym_new"

o=$work/o
make --no-print-directory -C "$src" O="$o" "${new}_defconfig" >"$work/build.log" 2>&1 &&
	grep -q "^CONFIG_BACKEND=\"$new\"" "$o/.config" &&
	make --no-print-directory -C "$src" -j2 O="$o" all >>"$work/build.log" 2>&1
r=$?
[ $r = 0 ] || tail -n 5 "$work/build.log" | sed 's/^/#   /'
echo "$([ $r = 0 ] || echo not\ )ok 1 copy_builds"

if [ $r = 0 ]; then
	timeout 300 "$o/host/pmapkit-host" >"$work/host.ktap" 2>&1
	"$top/scripts/ktap-summary.py" "$work/host.ktap" >"$work/host.sum" 2>&1
	h=$?
	tail -n 1 "$work/host.sum" | sed 's/^/# host suite of the copy: /'
	make --no-print-directory -C "$src" O="$o" run QEMU_SMP=2 </dev/null >"$work/run.log" 2>&1
	g=$?
	grep '^make run:' "$work/run.log" | sed 's/^/# /'
	# (the banner names PMAP_MD_NAME, which a copy may keep: check the
	# build took md/$new and not md/$orig)
	[ -d "$o/lib/guest/md/$new" ] && [ ! -e "$o/lib/guest/md/$orig" ] || g=1
else
	h=1 g=1
fi
echo "$([ $h = 0 ] || echo not\ )ok 2 copy_host_suite"
echo "$([ $g = 0 ] || echo not\ )ok 3 copy_boots_in_qemu"
[ $r = 0 ] && [ $h = 0 ] && [ $g = 0 ]
