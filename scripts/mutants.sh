#!/usr/bin/env bash
# Mutation check of the suite: delete, one at a time, each TLB-invalidating
# call of the backend and each MI invalidation request (the call becomes an
# empty statement, so the code still compiles), or apply a listed
# replacement, rebuild the host suite and run it.  Every mutant must be killed (some test fails).  Prints KTAP v1: one
# result per mutant, "ok" when killed.
#
#   scripts/mutants.sh <config-file> <work-dir>
#
# The mutants are listed in md/<backend>/mutants.list and tests/mutants-mi.list,
# one per line: file|line|what[|replacement[|environment[|arguments[|CONFIG_X]]]]:
# the suite runs with those environment assignments (say, a narrower model
# CPU) and command-line words when given; with a CONFIG_X, the mutant applies
# only to configurations that set it, with !CONFIG_X only to those that do not
# (others report it skipped).  The environment word MUT_BIN=tsan runs the
# suite's ThreadSanitizer build instead (a lock mutant: killed when TSan
# reports a race, or a test fails).  TSan sees a race only when the two
# accesses are not ordered by some other synchronization that happened to
# come between them, so a lock mutant's run is repeated, up to TSAN_TRIES
# times, until it is killed (measured under a second job's load: the pv
# reclaim mutant was killed in 11 of 16 single runs, pmap_create's in 14).
# Exits 0 iff every mutant that applies was killed.
set -uo pipefail
config=$1
work=$2
top=$(cd "$(dirname "$0")/.." && pwd)

# The lists: the configured backend's md/<backend>/mutants.list and the MI one.
backend=$(sed -n 's/^CONFIG_BACKEND="\(.*\)"$/\1/p' "$config")
mapfile -t mutants < <(cat "$top/md/$backend/mutants.list" "$top/tests/mutants-mi.list" |
	grep -v '^#' | grep -v '^$')

rm -rf "$work"
mkdir -p "$work/src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard 2>/dev/null || find . -path ./build -prune -o -type f -print0) |
	(cd "$top" && xargs -0 cp --parents -t "$work/src")
mkdir -p "$work/src/build"
cp "$config" "$work/src/build/.config"
bin=build/host/pmapkit-host
if ! make -s -C "$work/src" O=build "$bin" >"$work/build.log" 2>&1; then
	echo "mutants: the unmutated tree does not build, see $work/build.log" >&2
	exit 1
fi

echo "KTAP version 1"
echo "1..${#mutants[@]}"
n=0 survivors=0
for m in "${mutants[@]}"; do
	IFS='|' read -r file line what repl envs args needs <<<"$m"
	n=$((n + 1))
	case $needs in *'|'*)	# an eighth field: a "|" inside the code (write the line another way)
		echo "not ok $n $file: more than 7 fields (a '|' in the pattern?): $m"
		survivors=$((survivors + 1))
		continue ;;
	esac
	if [ -n "${needs#!}" ] && [ "$needs" = "${needs#!}" ] && ! grep -q "^$needs=y" "$config"; then
		echo "ok $n $what # SKIP only where $needs is set"
		continue
	fi
	if [ "$needs" != "${needs#!}" ] && grep -q "^${needs#!}=y" "$config"; then
		echo "ok $n $what # SKIP only where ${needs#!} is not set"
		continue
	fi
	f="$work/src/$file"
	cp "$f" "$f.orig"
	count=$(grep -cF -- "$line" "$f")
	if [ "$count" != 1 ]; then
		echo "not ok $n $what # the pattern matches $count lines in $file"
		survivors=$((survivors + 1))
		continue
	fi
	MUT_LINE=$line MUT_REPL=${repl:-;} python3 -c '
import os, sys
line = os.environ["MUT_LINE"]
src = open(sys.argv[1]).read()
sys.stdout.write(src.replace(line, os.environ["MUT_REPL"], 1))' "$f.orig" >"$f"
	mbin=$bin tries=1
	case " $envs " in *" MUT_BIN=tsan "*)
		mbin=build/tsan/pmapkit-host tries=${TSAN_TRIES:-6}
		envs="${envs/MUT_BIN=tsan/} TSAN_OPTIONS=halt_on_error=1:exitcode=66" ;;
	esac
	if ! make -s -C "$work/src" O=build "$mbin" >"$work/mutant-$n.log" 2>&1; then
		echo "not ok $n $what: the mutant does not build, see $work/mutant-$n.log"
		survivors=$((survivors + 1))
	else
		# shellcheck disable=SC2086 # VAR=value words for env, words for the suite
		# (the braces keep bash's "Segmentation fault" notice of a killed mutant quiet)
		try=0
		while :; do
			try=$((try + 1))
			{ (cd "$work/src" && timeout 300 env $envs "./$mbin" failfast $args) >"$work/mutant-$n.out" 2>&1; } 2>/dev/null
			status=$?
			killer=$(grep -m1 '^not ok' "$work/mutant-$n.out" | cut -d' ' -f4-)
			if [ $status -ne 0 ] || [ -n "$killer" ] || [ $try -ge $tries ]; then
				break
			fi
		done
		runs=""
		[ $tries -gt 1 ] && runs=" (run $try of up to $tries)"
		if [ "$killer" = kernel_command_line ]; then
			echo "not ok $n $what: the suite refused its command line (a word in the list's arguments field?), see $work/mutant-$n.out"
			survivors=$((survivors + 1))
		elif [ $status -ne 0 ] || [ -n "$killer" ]; then
			echo "ok $n $what: killed by ${killer:-a crash (exit $status)}$runs"
		else
			echo "not ok $n $what: survived$runs"
			survivors=$((survivors + 1))
		fi
	fi
	cp "$f.orig" "$f"
	touch "$f"
done
[ "$survivors" -eq 0 ]
