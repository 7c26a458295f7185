#!/usr/bin/env bash
# Boot a kernel on a QEMU whose default CPU lacks a feature the backend
# needs, and check that it refuses: the console names what is missing and
# QEMU exits with the kernel's no-CPU status.  Prints a one-test KTAP file.
#
#   scripts/qemu-nocpu.sh <qemu-binary> <kernel.elf> <message> <status> [qemu args...]
set -uo pipefail
qemu=$1 kernel=$2 message=$3 want=$4
shift 4
log=$(mktemp)
QEMU_PASS_STATUS=$want QEMU_TIMEOUT=${QEMU_TIMEOUT:-60} \
	"$(dirname "$0")/qemu-run.sh" "$qemu" "$kernel" "$log" "$@" >/dev/null
status=$(sed -n 's/^# exit-status: //p' "$log")
line=$(grep -m1 -F -- "$message" "$log")
echo "KTAP version 1"
echo "1..1"
sed 's/^/# /' "$log" | grep -v -e '^# exit-status' -e '^# pass-status' | head -n 5
if [ "$status" = "$want" ] && [ -n "$line" ]; then
	echo "ok 1 $qemu default CPU refused (status $status): $line"
else
	echo "not ok 1 $qemu default CPU: status $status (want $want), message \"$message\" ${line:+found}${line:-missing}"
fi
rm -f "$log"
