#!/usr/bin/env bash
# make run's last line: what the boot it ran amounted to.
#
#   scripts/run-verdict.sh <console-log> <qemu-run.sh's exit status>
#
# PASS or FAIL with the tests passed, failed and skipped and the boot's
# time, or INTERRUPTED (Ctrl-C).  Exits 0 for PASS, 1 for FAIL, 130 for
# INTERRUPTED (make then exits 2 for both).
set -uo pipefail
log=$1 status=$2
secs=$(sed -n 's/^# boot-time: //p' "$log" 2>/dev/null | tail -n 1)
if [ "$status" -eq 130 ] || grep -q '^# interrupted' "$log" 2>/dev/null; then
	echo "make run: INTERRUPTED after ${secs:-?} (console in $log)"
	exit 130
fi
line=$("$(dirname "$0")/ktap-summary.py" "$log" 2>/dev/null | tail -n 2 | head -n 1)
counts=$(echo "$line" | sed -n 's/^.*: \([0-9]* passed, [0-9]* failed, [0-9]* skipped\).*$/\1/p')
qstatus=$(sed -n 's/^# exit-status: //p' "$log" | tail -n 1)
if "$(dirname "$0")/ktap-summary.py" "$log" >/dev/null 2>&1; then
	echo "make run: PASS: ${counts:-no results}, QEMU exit status $qstatus, ${secs:-?} (console in $log)"
	exit 0
fi
why=$("$(dirname "$0")/ktap-summary.py" "$log" 2>/dev/null | grep -m1 'error:' | sed 's/^[^:]*: error: //')
echo "make run: FAIL: ${counts:-no results}${why:+ ($why)}, QEMU exit status ${qstatus:-?}, ${secs:-?} (console in $log)"
exit 1
