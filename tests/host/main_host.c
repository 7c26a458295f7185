/*
 * The host test program: the test kernel as a process over the MMU model.
 *
 *   pmapkit-host [bench] [only=NAME] [random=N [seed=S]] [cpus=N] [mem=MB]
 *
 * The arguments form the kernel command line (kern/main.c).
 */
#include <stdio.h>
#include <string.h>

#include "plat_host.h"

int
main(int argc, char **argv)
{
	static char cmdline[512];
	static struct boot_info bi;

	for (int i = 1; i < argc; i++) {
		strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 2);
		strcat(cmdline, i + 1 < argc ? " " : "");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	host_boot_info(&bi, cmdline);
	kmain(&bi);
}
