/* make bench: tests/bench.c, run by kmain when the command line says "bench". */
#ifndef TESTS_BENCH_H
#define TESTS_BENCH_H
void	bench_run(void);
#endif
