#!/usr/bin/env bash
# make install: put the configured backend's libraries, its public headers,
# the configuration they were built with and a make fragment under
# DESTDIR/PREFIX.
#
#   scripts/install.sh <destdir> <prefix> <backend> <build-dir> <target-cflags> \
#       <public headers> <backend headers>
#
# Layout (docs/embedding.md):
#   lib/libpmapkit.a                 the library, for the backend's guest target
#   lib/libpmapkit-host.a            the same, built for this host (host kit)
#   lib/libpmapkit-model.a           the host MMU model (host kit)
#   include/pmapkit/pmap/*.h         pmap.h, pmap_kern.h, pmap_names.h, pmap_model.h
#   include/pmapkit/pmap_md.h ...    the backend's public header and what it includes
#   include/pmapkit/pmapkit_config.h the Kconfig the libraries were built with
#   share/pmapkit/pmapkit.mk         PMAPKIT_* variables for a kernel's Makefile
set -euo pipefail

if [ $# -ne 7 ]; then
	echo "usage: $0 <destdir> <prefix> <backend> <build-dir> <target-cflags> <public-headers> <backend-headers>" >&2
	exit 2
fi
destdir=$1 prefix=$2 backend=$3 o=$4 target=$5 public=$6 mdheaders=$7
case $prefix in
/*) ;;
*) echo "install: PREFIX must be an absolute path (got \"$prefix\")" >&2; exit 2 ;;
esac
root=$destdir$prefix
inc=$root/include/pmapkit

mkdir -p "$root/lib" "$inc/pmap" "$root/share/pmapkit"
for a in libpmapkit.a libpmapkit-host.a libpmapkit-model.a; do
	install -m 644 "$o/lib/$a" "$root/lib/$a"
done
# shellcheck disable=SC2086 # word lists
install -m 644 $public "$inc/pmap/"
# shellcheck disable=SC2086
install -m 644 $mdheaders "$inc/"
install -m 644 "$o/include/generated/autoconf.h" "$inc/pmapkit_config.h"

cat >"$root/share/pmapkit/pmapkit.mk" <<EOF
# pmapkit, backend $backend, installed in $prefix: include this from a
# kernel's Makefile (docs/embedding.md).
#
# PMAPKIT_CFLAGS         include path for <pmap/pmap.h>, <pmap/pmap_kern.h>
# PMAPKIT_TARGET_CFLAGS  what libpmapkit.a was compiled for: compile the
#                        kernel for the same target and ABI
# PMAPKIT_LIBS           the library (it needs memset and memcpy, and the
#                        pmap_kern_* functions, from the kernel)
# PMAPKIT_HOST_CFLAGS    for a host test program over the MMU model
# PMAPKIT_HOST_LIBS      libpmapkit-host.a and libpmapkit-model.a (one group:
#                        they call each other)
PMAPKIT_PREFIX        := $prefix
PMAPKIT_BACKEND       := $backend
PMAPKIT_CFLAGS        := -I\$(PMAPKIT_PREFIX)/include/pmapkit
PMAPKIT_TARGET_CFLAGS := $target
PMAPKIT_LIBS          := \$(PMAPKIT_PREFIX)/lib/libpmapkit.a
PMAPKIT_HOST_CFLAGS   := -I\$(PMAPKIT_PREFIX)/include/pmapkit
PMAPKIT_HOST_LIBS     := -Wl,--start-group \$(PMAPKIT_PREFIX)/lib/libpmapkit-host.a \\
	\$(PMAPKIT_PREFIX)/lib/libpmapkit-model.a -Wl,--end-group
EOF
echo "  INSTALL $root (backend $backend): lib/libpmapkit{,-host,-model}.a, include/pmapkit, share/pmapkit/pmapkit.mk"
