/*
 * The host test program: the test kernel as a process over the MMU model.
 *
 *   pmapkit-host [--help] [list] [bench] [failfast] [only=NAME[,NAME...]] [random=N [seed=S]]
 *                [dump] [cpus=N] [mem=MB]
 *
 * The arguments form the kernel command line (kern/main.c).
 */
#include <stdio.h>
#include <string.h>

#include "plat_host.h"

static const char usage[] =
    "usage: pmapkit-host [word...]   (the test kernel's command line, over the host MMU model)\n"
    "  (none)                 run the suite: KTAP on stdout, exit 0 iff every case passed\n"
    "  list                   print the names of the suite's cases\n"
    "  only=NAME[,NAME...]    run only these cases (several only= words add up)\n"
    "  random=N [seed=S]      the differential random tester alone, N >= 1 operations\n"
    "  bench                  the benchmark instead of the suite\n"
    "  dump                   at the end, pmap_dump of the kernel pmap and of a small user pmap\n"
    "  failfast               stop the suite at the first failed case\n"
    "  cpus=N                 simulated CPUs, 1 .. 8 (default 4)\n"
    "  mem=MB                 model RAM (default CONFIG_GUEST_MEM_MB)\n"
    "Numbers are decimal or 0x-hex; an unknown word or a malformed value fails the run.\n"
    "Environment: PMAPKIT_MODEL_CPUID_EDX, PMAPKIT_MODEL_MAXPHYADDR (x86 models; docs/testing.md).\n";

int
main(int argc, char **argv)
{
	static char cmdline[512];
	static struct boot_info bi;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (strlen(cmdline) + strlen(argv[i]) + 2 > sizeof(cmdline)) {
			fprintf(stderr, "pmapkit-host: command line longer than %zu bytes\n",
			    sizeof(cmdline) - 1);
			return 2;
		}
		strcat(cmdline, argv[i]);
		strcat(cmdline, i + 1 < argc ? " " : "");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	host_boot_info(&bi, cmdline);
	kmain(&bi);
}
