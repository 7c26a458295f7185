/*
 * libFuzzer harness: the fuzzer's bytes are decoded into a sequence of pmap
 * operations (tests/random.c, byte mode) that runs against the reference
 * model over the host MMU model.  A divergence prints its report and aborts.
 *
 *   make fuzz [FUZZ_TIME=seconds]
 */
#include <stdio.h>
#include <stdlib.h>

#include "host/plat_host.h"
#include "random.h"

static struct boot_info fuzz_bi;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	host_boot_info(&fuzz_bi, "fuzz");
	kern_boot(&fuzz_bi);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (random_run_bytes(data, size) != 0)
		abort();
	return 0;
}
