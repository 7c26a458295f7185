/* Instruction-count runs (tests/icount.c): pmapkit-host icount=OP. */
#ifndef TESTS_ICOUNT_H
#define TESTS_ICOUNT_H

#include <stdbool.h>
#include <stddef.h>

bool	icount_known(const char *op, size_t len);
int	icount_run(const char *op, size_t len);

#endif
