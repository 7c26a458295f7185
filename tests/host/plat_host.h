/* The test kernel's host platform (tests/host/plat_host.c), for its two programs. */
#ifndef TESTS_HOST_PLAT_HOST_H
#define TESTS_HOST_PLAT_HOST_H

#include "kern.h"

/* Model RAM and CPUs per the command line (cpus=, mem=), the boot map, and *bi. */
void	host_boot_info(struct boot_info *bi, const char *cmdline);

#endif
