# i386 backend: build and QEMU facts for the top-level Makefile.
include md/x86/platform.mk

# make test runs this backend's host suite a second time with
# CONFIG_PMAP_TABLE_CALLS (scripts/table-calls-check.sh): mi/'s path for a
# port without a direct map of its tables, which no backend takes otherwise.
TABLE_CALLS_CHECK   := yes

# This backend's rows of the configuration matrix.
MATRIX_FILES        += md/i386/matrix
