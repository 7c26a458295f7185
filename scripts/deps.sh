#!/usr/bin/env bash
# Check (and as root, install) what pmapkit needs, by group.  Quiet when
# all is present (apt-get's output goes to $PMAPKIT_DEPS_LOG when set).
# Debian packages only.
#
#   scripts/deps.sh [build] [qemu] [debug] [plot]
#
#   build  compilers, linker, archiver, kconfiglib, sanitizer runtimes (default)
#   qemu   the QEMU system emulators (make run, test, bench, debug)
#   debug  gdb-multiarch (make gdb, and make test's gdb check)
#   plot   python3-matplotlib (make bench-plot)
#   perf   valgrind (make bench: the locks' instruction counts)
#
# Testing hook: PMAPKIT_DEPS_PRETEND_MISSING="pkg ..." makes the first check
# treat those packages as missing (the check after an install ignores it).
set -euo pipefail

# check_<n> succeeds when the tool is present; pkg[<n>] is its Debian package.
# (compiler-rt: sanitizers and libFuzzer for the host build; llvm: llvm-ar
# and llvm-nm for the libraries, which must read i386 and rv32 objects.)
declare -A group=(
	[build]="clang lld llvm make kconfiglib compiler_rt"
	[qemu]="qemu_x86 qemu_misc"
	[debug]="gdb"
	[plot]="matplotlib"
	[perf]="valgrind"
)
declare -A pkg=(
	[clang]=clang [lld]=lld [llvm]=llvm [make]=make [kconfiglib]=python3-kconfiglib
	[qemu_x86]=qemu-system-x86 [qemu_misc]=qemu-system-misc
	[compiler_rt]=libclang-rt-14-dev [gdb]=gdb-multiarch [matplotlib]=python3-matplotlib
	[valgrind]=valgrind
)
checks=()
for g in "${@:-build}"; do
	if [ -z "${group[$g]+x}" ]; then
		echo "deps: unknown group \"$g\" (build, qemu, debug, plot, perf)" >&2
		exit 2
	fi
	# shellcheck disable=SC2206 # the group is a word list
	checks+=(${group[$g]})
done
check_clang()       { command -v clang >/dev/null; }
check_lld()         { command -v ld.lld >/dev/null; }
check_llvm()        { command -v llvm-ar >/dev/null && command -v llvm-nm >/dev/null; }
check_make()        { command -v make >/dev/null; }
check_kconfiglib()  { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import kconfiglib' 2>/dev/null; }
check_qemu_x86()    { command -v qemu-system-i386 >/dev/null && command -v qemu-system-x86_64 >/dev/null; }
check_qemu_misc()   { command -v qemu-system-riscv32 >/dev/null; }
check_compiler_rt() { compgen -G '/usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.asan-x86_64.a' >/dev/null; }
check_gdb()         { command -v gdb-multiarch >/dev/null; }
check_matplotlib()  { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; }
check_valgrind()    { command -v valgrind >/dev/null; }

# missing [pretend-list]: print the packages whose check fails.
missing() {
	local c p out=()
	for c in "${checks[@]}"; do
		p=${pkg[$c]}
		if [[ " $1 " == *" $p "* ]] || ! "check_$c"; then
			[[ " ${out[*]-} " == *" $p "* ]] || out+=("$p")
		fi
	done
	echo "${out[*]-}"
}

need=$(missing "${PMAPKIT_DEPS_PRETEND_MISSING-}")
[ -z "$need" ] && exit 0

echo "deps: missing Debian packages: $need" >&2
if [ "$EUID" -ne 0 ]; then
	echo "deps: install them with:" >&2
	echo "  sudo apt-get install -y --no-install-recommends $need" >&2
	exit 1
fi

log=${PMAPKIT_DEPS_LOG:-/dev/stdout}
echo "deps: installing $need (apt-get's output: ${PMAPKIT_DEPS_LOG:-below})" >&2
{
	apt-get update
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need
} >>"$log" 2>&1 || { echo "deps: apt-get failed (see $log)" >&2; exit 1; }

need=$(missing "")
if [ -n "$need" ]; then
	echo "deps: still missing after install: $need" >&2
	exit 1
fi
