/*
 * Console and exit for QEMU's virt machine, through the M-mode firmware
 * (entry.S): S-mode maps no device, so each byte and the exit are an
 * ecall (RV_FW_*).  Also plat_nsec(), which has nothing to measure under
 * TCG.
 */
#include <stdint.h>

#include <kern.h>

#include "riscv_guest.h"

/* Contract (kern.h): write c to the console; '\n' becomes CR LF. */
void
plat_putc(int c)
{
	if (c == '\n')
		rv_fw_call(RV_FW_CONSOLE_PUTC, '\r');
	rv_fw_call(RV_FW_CONSOLE_PUTC, (uint8_t)c);
}

/* For trap.c's last-resort path: no kprintf, no formatting. */
void
rv_cons_puts_raw(const char *s)
{
	while (*s != '\0')
		plat_putc(*s++);
}

void
rv_cons_puthex_raw(unsigned long v)
{
	int shift;

	rv_cons_puts_raw("0x");
	for (shift = (int)sizeof(v) * 8 - 4; shift >= 0; shift -= 4)
		plat_putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

/*
 * Contract (kern.h): end the run with status.  The firmware writes the
 * sifive_test device, and QEMU exits with status itself (KERN_EXIT_PASS
 * 0x10 gives 16): not the device's PASS code, which exits 0, as some
 * crashes do.
 */
void
plat_exit(int status)
{
	rv_fw_call(RV_FW_EXIT, (unsigned long)status);
	rv_halt_forever();
}

/*
 * Contract (kern.h): nanoseconds since some fixed point, or 0 where time
 * means nothing.  Under TCG the guest's clocks measure QEMU's translator,
 * not the code (DESIGN.md): always 0.
 */
uint64_t
plat_nsec(void)
{
	return 0;
}
