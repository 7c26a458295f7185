/* Differential random testing (tests/random.c). */
#ifndef TESTS_RANDOM_H
#define TESTS_RANDOM_H
#include <stddef.h>
#include <stdint.h>
/* nops seeded operations against the reference model; 0 if no divergence. */
int	random_run(uint64_t seed, unsigned long nops);
/* The same, with every choice decoded from data (the libFuzzer harness). */
int	random_run_bytes(const uint8_t *data, size_t size);
/* The commands that run random=nops seed=seed again, host and guest. */
void	random_replay_print(unsigned long nops, uint64_t seed);
#define RANDOM_SUITE_OPS	20000ul		/* in the shared suite, host and guest */
#define RANDOM_SUITE_SEED	0x5eed0001ull
#endif
