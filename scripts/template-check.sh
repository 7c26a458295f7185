#!/usr/bin/env bash
# Keep the backend skeleton md/template/ in step with the contract: compile
# it, syntax only (clang -fsyntax-only -Werror), as if it were the selected
# backend, and everything that includes its headers with it.  Prints KTAP
# v1, one result per check; the compiler's messages are "#" lines before a
# failed one.  Exits 0 iff every check passed.
#
#   scripts/template-check.sh <O-dir> [<backend-dir>]
#
# <O-dir> is a configured build directory (say O=build after
# `make i386_defconfig && make`): its include/generated/autoconf.h gives
# the mi/ options, with the CONFIG_BACKEND lines replaced by the skeleton's.
# <backend-dir> (default md/template) may name a port in progress instead.
# The guest platform, its include flags and the guest compiler target come
# from the directory's backend.mk.  The checks:
#
#   template_<file>.c         each .c of the directory with the host flags
#                             (a *_host.c as the host model is built, the
#                             rest as the host library is)
#   template_vtable_complete  the pmap_md_ops initializer sets every member
#                             of struct pmap_md_ops (include/pmap/pmap_md_ops.h),
#                             so a member mi/ adds cannot go unnoticed
#   template_pmap_gdb.py      the gdb decoder compiles and defines every name
#                             scripts/gdb/pmapkit.py reads and the other
#                             backends' decoders share
#   template_with_mi          mi/*.c over its pte.h and pmap_md.h (host)
#   template_with_host_kernel kern/, tests/ and the host runner and fuzzer
#                             over its pmap_md.h (host)
#   template_with_guest       the guest kernel: its library files and mi/,
#                             the platform, kern/ and tests/ (guest target)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 <O-dir of a configured build> [<backend-dir>]" >&2
	exit 2
fi
o=$(cd "$1" 2>/dev/null && pwd) || { echo "template-check: no directory $1" >&2; exit 2; }
dir=${2:-md/template}
dir=${dir%/}
dir=${dir#"$top"/}
if [ ! -f "$top/$dir/backend.mk" ] || [ ! -f "$top/$dir/pmap_md.h" ]; then
	echo "template-check: $dir has no backend.mk or pmap_md.h" >&2
	exit 2
fi
if [ ! -f "$o/include/generated/autoconf.h" ]; then
	echo "template-check: $o/include/generated/autoconf.h is missing;" \
	    "configure and build there first (make O=$1 i386_defconfig && make O=$1)" >&2
	exit 2
fi
cd "$top" || exit 2

# The facts the Makefile would read from the directory's backend.mk.
# (A make of its own: nothing of a calling make's flags or jobserver.)
mapfile -t facts < <(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
    --no-builtin-rules -f - <<EOF
include $dir/backend.mk
all: ; @printf '%s\n' '\$(GUEST_PLATFORM)' '\$(HOST_MD_INCLUDES)' '\$(GUEST_TARGET_CFLAGS)'
EOF
)
platform=${facts[0]:-} host_md=${facts[1]:-} guest_target=${facts[2]:-}
if [ -z "$platform" ] || [ ! -d "md/$platform" ]; then
	echo "template-check: $dir/backend.mk names no guest platform directory (GUEST_PLATFORM '$platform')" >&2
	exit 2
fi

# The configuration, as if the directory's backend were selected.
work=$(mktemp -d "${TMPDIR:-/tmp}/template-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
name=${dir##*/}
sym=$(printf '%s' "$name" | tr 'a-z-' 'A-Z_')
{
	grep -v '^#define CONFIG_BACKEND' "$o/include/generated/autoconf.h"
	printf '#define CONFIG_BACKEND "%s"\n#define CONFIG_BACKEND_%s 1\n' "$name" "$sym"
} >"$work/autoconf.h"

# The Makefile's flags, without code generation, warnings as errors.
# shellcheck disable=SC2206 # word lists
host=(-std=gnu11 -fsyntax-only -Werror -DPMAP_HOST -Wall -Wextra -Wpointer-arith $host_md)
# shellcheck disable=SC2206
guest=($guest_target -std=c11 -fsyntax-only -Werror -ffreestanding -fno-builtin -nostdlib
	-Wall -Wextra -Werror=implicit-function-declaration)
lib=(-include "$work/autoconf.h" -Iinclude "-I$dir" "-Imd/$platform" "-I$o/include")
common=(-include "$work/autoconf.h" -Iinclude "-I$dir" "-Imd/$platform" -Ikern -Itests "-I$o/include")

n=0 failed=0 results=()
# check <name> <file>... : every file must compile; each is "flags-var:file".
check() {
	local what=$1 spec file log=$work/log rc=0
	shift
	: >"$log"
	for spec in "$@"; do
		file=${spec#*:}
		case ${spec%%:*} in
		hostlib) clang "${host[@]}" "${lib[@]}" "$file" ;;
		hostcommon) clang "${host[@]}" "${common[@]}" "$file" ;;
		guestlib) clang "${guest[@]}" "${lib[@]}" "$file" ;;
		guestcommon) clang "${guest[@]}" -Ikern/libc "${common[@]}" "$file" ;;
		esac >>"$log" 2>&1 || rc=1
	done
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		results+=("ok $n $what")
	else
		failed=$((failed + 1))
		results+=("$(sed -n '1,40s/^/# /p' "$log")" "not ok $n $what")
	fi
}

# Every member of struct pmap_md_ops set in the initializer of pmap_md_ops.
vtable() {
	local file
	file=$(grep -l '^const struct pmap_md_ops pmap_md_ops' "$dir"/*.c | head -n 1)
	n=$((n + 1))
	if [ -z "$file" ]; then
		failed=$((failed + 1))
		results+=("# no $dir/*.c defines const struct pmap_md_ops pmap_md_ops" \
		    "not ok $n template_vtable_complete")
		return
	fi
	local out
	if out=$(clang "${host[@]}" "${lib[@]}" -Wno-error -w -Xclang -ast-dump=json \
	    -Xclang -ast-dump-filter=pmap_md_ops "$file" 2>&1 | python3 -c '
import json, sys
text, dec, i, objs = sys.stdin.read(), json.JSONDecoder(), 0, []
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    try:
        obj, i = dec.raw_decode(text, i)
    except ValueError:
        print("# cannot read the AST of the vtable (does the file compile?)")
        sys.exit(1)
    objs.append(obj)
fields = [f["name"] for o in objs if o.get("kind") == "RecordDecl" and o.get("name") == "pmap_md_ops"
          for f in o.get("inner", []) if f.get("kind") == "FieldDecl"]
inits = [c for o in objs if o.get("kind") == "VarDecl" and o.get("name") == "pmap_md_ops"
         for c in o.get("inner", []) if c.get("kind") == "InitListExpr"]
if not fields or not inits:
    print("# no struct pmap_md_ops or no initializer of pmap_md_ops found")
    sys.exit(1)
vals = inits[0].get("inner", [])
missing = [f for f, v in zip(fields, vals) if v.get("kind") == "ImplicitValueInitExpr"]
missing += fields[len(vals):]
for f in missing:
    print("# ." + f + " is not set in the initializer (include/pmap/pmap_md_ops.h has it)")
sys.exit(1 if missing else 0)
'); then
		results+=("ok $n template_vtable_complete")
	elif [ "$dir" != md/template ]; then
		# A backend may leave NULL or 0 what its contract allows (tlb_forget...).
		results+=("$out" "ok $n template_vtable_complete # SKIP only the skeleton sets every member")
	else
		failed=$((failed + 1))
		results+=("$out" "not ok $n template_vtable_complete")
	fi
}

# The gdb decoder (md/<b>/pmap_gdb.py): it must compile and define every
# name scripts/gdb/pmapkit.py reads (dec.NAME) and the other decoders share.
gdb_decoder() {
	local f=$dir/pmap_gdb.py out
	n=$((n + 1))
	if [ ! -f "$f" ]; then
		results+=("ok $n template_pmap_gdb.py # SKIP no $f")
		return
	fi
	if out=$(python3 - "$f" md/*/pmap_gdb.py <<'PY' 2>&1
import ast, sys
def names(path):
    tree = ast.parse(open(path).read(), path)
    out = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {x for x in out if not x.startswith(("_", "PG_"))}   # PG_*: the backend's own bits
import os, re
mine, others = sys.argv[1], [p for p in sys.argv[2:] if p != sys.argv[1] and "/template/" not in p]
have = names(mine)
compile(open(mine).read(), mine, "exec")
need = {}
if os.path.isfile("scripts/gdb/pmapkit.py"):
    for x in re.findall(r"\bdec\.([A-Za-z_]\w*)", open("scripts/gdb/pmapkit.py").read()):
        need[x] = "scripts/gdb/pmapkit.py reads"
if others:
    for x in set.intersection(*(names(p) for p in others)):
        need.setdefault(x, "every other md/*/pmap_gdb.py defines")
for x in sorted(set(need) - have):
    print("# %s lacks %s, which %s" % (mine, x, need[x]))
sys.exit(1 if set(need) - have else 0)
PY
	); then
		results+=("ok $n template_pmap_gdb.py")
	else
		failed=$((failed + 1))
		results+=("$(printf '%s\n' "$out" | sed 's/^\([^#]\)/# \1/')" "not ok $n template_pmap_gdb.py")
	fi
}

for f in "$dir"/*.c; do
	case $f in
	*_host.c) check "template_${f##*/}" "hostcommon:$f" ;;
	*) check "template_${f##*/}" "hostlib:$f" ;;
	esac
done
vtable
gdb_decoder
# specs <kind> <file>...: "kind:file" for each file; lib_specs leaves out *_host.c.
specs() {
	local kind=$1 f
	shift
	for f in "$@"; do
		[ -f "$f" ] && printf '%s:%s\n' "$kind" "$f"
	done
}
lib_specs() {
	specs "$@" | grep -v '_host\.c$'
}
mapfile -t with_mi < <(specs hostlib mi/*.c)
mapfile -t with_host < <(specs hostcommon kern/*.c tests/*.c tests/cases/*.c tests/host/*.c \
    tests/fuzz/*.c)
mapfile -t with_guest < <(lib_specs guestlib "$dir"/*.c mi/*.c
	lib_specs guestcommon "md/$platform"/*.c kern/*.c kern/libc/*.c tests/*.c tests/cases/*.c)
check template_with_mi "${with_mi[@]}"
check template_with_host_kernel "${with_host[@]}"
check template_with_guest "${with_guest[@]}"

echo "KTAP version 1"
echo "1..$n"
printf '%s\n' "${results[@]}"
if [ $failed -ne 0 ]; then
	echo "template-check: $failed of $n checks failed for $dir (platform md/$platform," \
	    "configuration $o): bring it in line with include/pmap/pmap_md_ops.h," \
	    "the headers mi/, kern/ and tests/ use, and docs/PORTING.md" >&2
	if printf '%s\n' "${results[@]}" | grep -q "'generated/.*' file not found"; then
		echo "template-check: $o lacks a header the Makefile generates: run make O=$1 there" \
		    "first (an older build directory may predate it)" >&2
	fi
	exit 1
fi
