#!/usr/bin/env bash
# Tests of the test runner itself, so that `make test` can never report a
# pass it did not see: a tree that does not compile, result files left from
# an earlier run, a run that exits non-zero after a complete plan (a
# sanitizer's report at exit), a hang, a malformed command line; and the
# random tester's replay commands, run as printed.  KTAP v1.
#
#   tests/runner.sh <work-dir> <host-program>
#
# <host-program> is a built pmapkit-host (make test passes the first
# backend's, built in its O; the replay case boots that O's guest with
# make run).  The broken-build cases copy the tree into <work-dir> and run
# `make test` / `make test-backend` there on one defconfig: a few seconds,
# since the build stops at the first error.
set -uo pipefail

work=$(realpath -m "$1")
host=$(realpath -m "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
summary=$top/scripts/ktap-summary.py
runktap=$top/scripts/run-ktap.sh
# The inner makes are separate runs: none of the outer make's settings.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

rm -rf "$work"
mkdir -p "$work"
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}
# note <file>: its last lines as KTAP comments.
note() { tail -n "${2:-4}" "$1" | sed 's/^/#   /'; }

# A passing KTAP file: 137 results, as a stale one from an earlier run would be.
stale_ktap() {
	echo "KTAP version 1"
	echo "1..137"
	for i in $(seq 1 137); do echo "ok $i stale_$i"; done
}

echo "KTAP version 1"
echo "1..15"

# ---- a tree that does not compile, with passing results of an earlier run
src=$work/src
mkdir -p "$src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard 2>/dev/null ||
	find . -path ./build -prune -o -type f -print0) |
	(cd "$top" && xargs -0 cp --parents -t "$src")
echo 'this is not C;' >>"$src/kern/main.c"
cfg=$(cd "$top/configs" && ls ./*_defconfig | head -n 1)
cfg=${cfg#./}
cfg=${cfg%_defconfig}

o=$work/o-test
mkdir -p "$o/$cfg/results"
stale_ktap >"$o/$cfg/results/host.ktap"
make --no-print-directory -C "$src" -j2 O="$o" DEFCONFIGS="$cfg" TEST_RUNNER=no TEST_TEMPLATE=no TEST_PORT_COPY= test >"$work/make-test.log" 2>&1
status=$?
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/make-test.log" | tail -n 1)
echo "# make test on a broken tree: exit $status, summary \"$last\""
[ "$status" -ne 0 ] && [[ "$last" =~ ^0\ passed,\ [1-9][0-9]*\ failed$ ]]
ok $? "broken_tree_make_test_fails"
grep -q "not ok 1 build_" "$o/$cfg/results/build.ktap" 2>/dev/null &&
	grep -q "build.ktap: 0 passed, 1 failed" "$work/make-test.log"
r=$?
[ $r = 0 ] || note "$work/make-test.log"
ok $r "broken_tree_build_failure_named"
[ ! -e "$o/$cfg/results/host.ktap" ] && ! grep -q "137 passed" "$work/make-test.log"
ok $? "stale_results_not_counted_by_make_test"

o=$work/o-backend
make --no-print-directory -C "$src" -s O="$o" "${cfg}_defconfig" >/dev/null 2>&1
mkdir -p "$o/results"
stale_ktap >"$o/results/host.ktap"
stale_ktap >"$o/results/left-over.ktap"
make --no-print-directory -C "$src" -j2 O="$o" test-backend >"$work/test-backend.log" 2>&1
status=$?
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/test-backend.log" | tail -n 1)
echo "# make test-backend on a broken tree: exit $status, summary \"$last\""
[ "$status" -ne 0 ] && [[ "$last" =~ ^0\ passed,\ [1-9][0-9]*\ failed$ ]] &&
	[ ! -e "$o/results/left-over.ktap" ]
ok $? "stale_results_not_counted_by_test_backend"

# ---- a complete, passing plan, then a non-zero exit (LeakSanitizer's 23)
"$runktap" -t 60 "$work/leak.ktap" bash -c \
	'printf "KTAP version 1\n1..1\nok 1 fine\n"; echo "ERROR: LeakSanitizer: detected memory leaks" >&2; exit 23' 2>/dev/null
"$summary" "$work/leak.ktap" >"$work/leak.sum"
status=$?
[ "$status" -ne 0 ] && grep -q "exit status 23, expected 0" "$work/leak.sum" &&
	tail -n 1 "$work/leak.sum" | grep -qx "1 passed, 1 failed"
r=$?
[ $r = 0 ] || note "$work/leak.sum"
ok $r "nonzero_exit_after_complete_plan_counted"

# The same run exiting 0 passes: the check above is not always-failing.
"$runktap" -t 60 "$work/clean.ktap" bash -c 'printf "KTAP version 1\n1..1\nok 1 fine\n"'
"$summary" "$work/clean.ktap" >"$work/clean.sum"
[ $? -eq 0 ] && tail -n 1 "$work/clean.sum" | grep -qx "1 passed, 0 failed"
ok $? "clean_exit_passes"

# ---- a hang: killed at the timeout and counted, loudly
start=$SECONDS
"$runktap" -t 2 "$work/hang.ktap" bash -c 'printf "KTAP version 1\n1..1\n"; exec sleep 120' 2>"$work/hang.err"
elapsed=$((SECONDS - start))
"$summary" "$work/hang.ktap" >"$work/hang.sum"
status=$?
echo "# hang: killed after $elapsed s"
[ "$status" -ne 0 ] && [ "$elapsed" -lt 60 ] && grep -q "timed out after 2 s" "$work/hang.sum" &&
	grep -q "TIMED OUT" "$work/hang.err"
r=$?
[ $r = 0 ] || note "$work/hang.sum"
ok $r "hang_times_out_and_fails"

# ---- malformed or empty command-line words fail the run
bad=0
if [ ! -x "$host" ]; then
	echo "# no host program $host"
	bad=1
fi
for words in "random=abc" "random=0" "random=" "only=" "only=no_such_case" "seed=7" \
	"random=5 seed=7x" "randon=5" "cpus=abc"; do
	[ "$bad" = 0 ] || break
	# shellcheck disable=SC2086 # the words are separate arguments
	"$runktap" -t 60 "$work/args.ktap" "$host" $words 2>/dev/null
	if "$summary" "$work/args.ktap" >/dev/null; then
		echo "# \"$words\" was accepted"
		bad=1
	fi
done
ok $bad "malformed_command_line_fails"

# ---- a run that never started (no manifest) is a failure
"$summary" --manifest "$work/no-such-dir/manifest" >"$work/manifest.sum"
[ $? -ne 0 ] && tail -n 1 "$work/manifest.sum" | grep -qx "0 passed, 1 failed"
ok $? "missing_manifest_fails"

# ---- housekeeping goals: clean guarded, defconfig names, host-only goals
# without QEMU.  (In the copy: nothing here may touch the real tree.)
make --no-print-directory -C "$src" O=. clean >"$work/clean.log" 2>&1
s1=$?
make --no-print-directory -C "$src" O="$src" distclean >>"$work/clean.log" 2>&1
s2=$?
[ "$s1" = 2 ] && [ "$s2" = 2 ] && [ -f "$src/include/pmap/pmap.h" ] &&
	[ -f "$src/include/pmap/pmap_md_ops.h" ] && [ -f "$src/Makefile" ] &&
	grep -q "is the source tree: refusing" "$work/clean.log"
r=$?
[ $r = 0 ] || { echo "# clean exit $s1, distclean exit $s2"; note "$work/clean.log"; }
ok $r "clean_refuses_the_source_tree"

make --no-print-directory -C "$src" O="$work/o-names" no_such_defconfig >"$work/names.log" 2>&1
s=$?
[ "$s" = 2 ] && grep -q "the defconfigs are:.*${cfg}_defconfig" "$work/names.log"
r=$?
[ $r = 0 ] || note "$work/names.log"
ok $r "unknown_defconfig_lists_the_names"

# Host-only goals in a fresh O, with QEMU and gdb pretended missing and an
# apt-get that fails: they must not even ask for them.
fake=$work/fakebin
mkdir -p "$fake"
printf '#!/bin/sh\necho "apt-get called: $*" >&2\nexit 1\n' >"$fake/apt-get"
chmod +x "$fake/apt-get"
PATH=$fake:$PATH PMAPKIT_DEPS_PRETEND_MISSING="qemu-system-x86 qemu-system-misc gdb-multiarch" \
	make --no-print-directory -C "$src" O="$work/o-hostonly" "${cfg}_defconfig" \
	>"$work/hostonly.log" 2>&1
s1=$?
# (kern/main.c is broken in the copy: check builds nothing of it, lib does.)
PATH=$fake:$PATH PMAPKIT_DEPS_PRETEND_MISSING="qemu-system-x86 qemu-system-misc gdb-multiarch" \
	make --no-print-directory -C "$src" -j2 O="$work/o-hostonly" lib >>"$work/hostonly.log" 2>&1
s2=$?
[ "$s1" = 0 ] && [ "$s2" = 0 ] && ! grep -q "qemu\|gdb-multiarch\|apt-get called" "$work/hostonly.log"
r=$?
[ $r = 0 ] || { echo "# defconfig exit $s1, lib exit $s2"; note "$work/hostonly.log"; }
ok $r "host_only_goals_need_no_qemu"

# ---- make run's verdict: FAIL for a failing boot, INTERRUPTED (never PASS)
# when QEMU gets Ctrl-C's SIGINT, which makes it exit with status 0.
# (The guest of the O that built <host-program>, as the replay case.)
bo=$(dirname "$(dirname "$host")")
r=1
if [ -x "$host" ]; then
	make --no-print-directory -C "$top" O="$bo" run CONFIG_KERNEL_CMDLINE='only=no_such_case' \
		</dev/null >"$work/run-fail.log" 2>&1
	s=$?
	[ "$s" = 2 ] && grep -q '^make run: FAIL: .*kernel_command_line\|^make run: FAIL: 0 passed, 1 failed' \
		"$work/run-fail.log"
	r=$?
	[ $r = 0 ] || { echo "# make run exit $s"; note "$work/run-fail.log" 3; }
fi
ok $r "run_verdict_fail"

r=1
if [ -x "$host" ]; then
	make --no-print-directory -C "$top" O="$bo" run QEMU_SMP=1 \
		CONFIG_KERNEL_CMDLINE='random=50000000' </dev/null >"$work/run-int.log" 2>&1 &
	mk=$!
	qpid=
	for _ in $(seq 1 300); do
		qpid=$(pgrep -f -- "-kernel $bo/guest/kernel.elf" | head -n 1)
		[ -n "$qpid" ] && grep -q "random: replay" "$work/run-int.log" && break
		sleep 0.1
	done
	[ -n "$qpid" ] && kill -INT "$qpid"
	wait "$mk"
	s=$?
	[ -n "$qpid" ] && [ "$s" = 2 ] && grep -q '^make run: INTERRUPTED after' "$work/run-int.log" &&
		! grep -q '^make run: PASS' "$work/run-int.log" &&
		grep -q '^# interrupted' "$bo/results/run.log"
	r=$?
	[ $r = 0 ] || { echo "# qemu pid ${qpid:-none}, make run exit $s"; note "$work/run-int.log" 3; }
fi
ok $r "run_verdict_interrupted"

# ---- the replay commands the random tester prints work as printed
# (the seed reaches the guest; from another directory, with the build's O)
r=1
if [ -x "$host" ]; then
	(cd / && "$host" random=300 seed=0x7) >"$work/replay-src.log" 2>&1
	hcmd=$(sed -n 's/^# random: replay on the host: //p' "$work/replay-src.log" | head -n 1)
	gcmd=$(sed -n 's/^# random: replay in the guest: //p' "$work/replay-src.log" | head -n 1)
	echo "# printed: $hcmd"
	echo "# printed: $gcmd"
	(cd / && timeout 300 bash -c "$hcmd") >"$work/replay-host.log" 2>&1
	hs=$?
	(cd / && timeout 300 bash -c "$gcmd") >"$work/replay-guest.log" 2>&1
	gs=$?
	seedline='operations, seed 0x7,'
	[ -n "$hcmd" ] && [ -n "$gcmd" ] && [ "$hs" = 0 ] && [ "$gs" = 0 ] &&
		grep -q "^ok 1 random_differential_300" "$work/replay-host.log" &&
		grep -q "^# random: 300 $seedline" "$work/replay-host.log" &&
		grep -q 'cmdline "random=300 seed=0x7"' "$work/replay-guest.log" &&
		grep -q "^ok 1 random_differential_300" "$work/replay-guest.log" &&
		grep -q "^# random: 300 $seedline" "$work/replay-guest.log" &&
		grep -q "^make run: PASS" "$work/replay-guest.log"
	r=$?
	[ $r = 0 ] && echo "# host and guest replays ran 300 operations from seed 0x7"
	[ $r = 0 ] || { echo "# host exit $hs, guest exit $gs"; note "$work/replay-guest.log" 6; }
else
	echo "# no host program $host"
fi
ok $r "replay_commands_work_as_printed"

[ "$failed" -eq 0 ]
