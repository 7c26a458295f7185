#!/usr/bin/env bash
# The installed library, as an embedder gets it: `make install` into a
# fresh prefix, the libraries' symbols checked (what they need from a
# kernel, what names they take), then examples/host-vm built from the
# installed files alone and run.  KTAP v1: install, symbols, build, then
# the example's own results.
#
#   scripts/example-run.sh <build-dir> <work-dir>
#
# <build-dir> is a configured O= directory (make lib already run there).
set -uo pipefail

o=$1
work=$(realpath -m "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=$work/prefix
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
rm -rf "$work"
mkdir -p "$work"

results=()
say() { results+=("$1"); }

if make --no-print-directory -C "$top" O="$(realpath -m "$o")" install PREFIX="$prefix" \
	>"$work/install.log" 2>&1; then
	say "ok install_into_a_prefix"
else
	say "not ok install_into_a_prefix # see $work/install.log"
fi

# The guest library may need only memset, memcpy and pmap_kern_* from a
# kernel, and may define only pmap_ names.  The host kit's libraries between
# them need the C library and pmap_kern_* but nothing of the test kernel
# (kern/, tests/), and define, besides pmap_ names, only the model's
# (model_, the x86_/rv_ CPU primitives, pae_model_).
syms() { llvm-nm "$@" 2>/dev/null | awk 'NF>=2{print $(NF-1), $NF}'; }
# check_syms <what> <allowed needs> <forbidden needs> <allowed names> <archive>...
check_syms() {
	local what=$1 allow_undef=$2 deny_undef=$3 allow_def=$4
	shift 4
	local def undef bad_def bad_undef
	def=$(syms --defined-only -g "$@" | awk '{print $2}' | sort -u)
	undef=$(syms -u "$@" | awk '{print $2}' | sort -u | comm -23 - <(echo "$def"))
	bad_undef=$(echo "$undef" | grep -vE "$allow_undef" | grep -v '^$';
	    echo "$undef" | grep -E "$deny_undef")
	bad_undef=$(echo "$bad_undef" | grep -v '^$' | tr '\n' ' ')
	bad_def=$(echo "$def" | grep -vE "$allow_def" | grep -v '^$' | tr '\n' ' ')
	echo "# $what: needs $(echo "$undef" | grep -c .) symbols from outside, defines $(echo "$def" | grep -c .)"
	if [ -n "$bad_undef$bad_def" ]; then
		echo "# $what: unexpected needs: ${bad_undef:-none}; unexpected names: ${bad_def:-none}"
		return 1
	fi
}
{
	check_syms libpmapkit.a '^(memset|memcpy|pmap_kern_.*)$' '^$' '^pmap_' \
		"$prefix/lib/libpmapkit.a" &&
	check_syms "libpmapkit-host.a + libpmapkit-model.a" '.' \
		'^(plat_|kern_|kprintf|kvprintf|kpanic|kvpanic|t_|physmem_|random_|bench_)' \
		'^(pmap_|model_|x86_|rv_|pae_model_)' "$prefix/lib/libpmapkit-host.a" \
		"$prefix/lib/libpmapkit-model.a"
} >"$work/symbols.log" 2>&1
status=$?
sed 's/^/    /' "$work/symbols.log" >&2
if [ $status -eq 0 ]; then
	say "ok library_symbols"
else
	say "not ok library_symbols # see $work/symbols.log"
fi

if make --no-print-directory -C "$top/examples/host-vm" PMAPKIT="$prefix" O="$work" CC=clang \
	>"$work/build.log" 2>&1; then
	say "ok example_builds_from_the_installed_files"
else
	say "not ok example_builds_from_the_installed_files # see $work/build.log"
fi

"$work/host-vm" >"$work/host-vm.ktap" 2>&1
run=$?
mapfile -t ex < <(grep -E '^(not ok|ok) [0-9]+ ' "$work/host-vm.ktap")
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/host-vm.ktap" | head -n 1)

echo "KTAP version 1"
echo "1..$(( ${#results[@]} + ${plan:-1} ))"
cat "$work/symbols.log"
grep '^# ' "$work/host-vm.ktap"
n=0
for r in "${results[@]}"; do
	n=$((n + 1))
	echo "$r" | sed -E "s/^(ok|not ok) /\1 $n /"
done
if [ -z "$plan" ]; then
	n=$((n + 1))
	echo "not ok $n host_vm # no plan (exit $run); see $work/host-vm.ktap"
else
	for line in "${ex[@]}"; do
		n=$((n + 1))
		echo "$line" | sed -E "s/^(ok|not ok) [0-9]+ /\1 $n host_vm_/"
	done
	[ "$run" -eq 0 ] || echo "# host-vm exited with status $run"
fi
[ "$run" -eq 0 ] && ! printf '%s\n' "${results[@]}" | grep -q '^not ok'
