/*
 * Console and exit for QEMU's PC: the COM1 16550 UART, polled, and the
 * isa-debug-exit device.  Also plat_nsec(), which has nothing to measure
 * under TCG.
 */
#include <stdint.h>

#include <kern.h>

#include "x86_guest.h"

/* 16550 registers, offsets from the base port (PC16550D datasheet, table 2). */
#define COM1_BASE	X86_COM1
#define COM_DATA	0	/* THR/RBR; divisor low with DLAB */
#define COM_IER		1	/* interrupt enable; divisor high with DLAB */
#define COM_FCR		2
#define COM_LCR		3
#define COM_MCR		4
#define COM_LSR		5
#define LCR_DLAB	0x80
#define LCR_8N1		0x03
#define FCR_ENABLE	0x07	/* enable and clear both FIFOs */
#define MCR_DTR_RTS	0x03	/* OUT2 off: no interrupts reach the PIC */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define COM_DIVISOR	1	/* 115200 / 115200 */

/* isa-debug-exit on -device isa-debug-exit,iobase=0xf4,iosize=0x04. */
#define DEBUG_EXIT_PORT	X86_DEBUG_EXIT_PORT

/* 115200 8N1, FIFOs on, interrupts off.  Safe to call again. */
void
x86_cons_init(void)
{
	outb(COM1_BASE + COM_IER, 0);
	outb(COM1_BASE + COM_LCR, LCR_DLAB);
	outb(COM1_BASE + COM_DATA, COM_DIVISOR & 0xFF);
	outb(COM1_BASE + COM_IER, COM_DIVISOR >> 8);
	outb(COM1_BASE + COM_LCR, LCR_8N1);
	outb(COM1_BASE + COM_FCR, FCR_ENABLE);
	outb(COM1_BASE + COM_MCR, MCR_DTR_RTS);
}

/*
 * One byte, once the transmitter can take it.  An absent UART reads LSR as
 * 0xFF, so the wait ends there too.
 */
static void
com_putbyte(uint8_t b)
{
	while ((inb(COM1_BASE + COM_LSR) & LSR_THRE) == 0)
		continue;
	outb(COM1_BASE + COM_DATA, b);
}

/* Contract (kern.h): write c to the console; '\n' becomes CR LF. */
void
plat_putc(int c)
{
	if (c == '\n')
		com_putbyte('\r');
	com_putbyte((uint8_t)c);
}

/* For trap.c's last-resort path: no kprintf, no formatting. */
void
x86_cons_puts_raw(const char *s)
{
	while (*s != '\0')
		plat_putc(*s++);
}

/* v in hex, all the digits of a register (8 or 16). */
void
x86_cons_puthex_raw(uintptr_t v)
{
	int shift;

	x86_cons_puts_raw("0x");
	for (shift = (int)sizeof(v) * 8 - 4; shift >= 0; shift -= 4)
		plat_putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

/*
 * Contract (kern.h): end the run with status.  QEMU's isa-debug-exit exits
 * with (status << 1) | 1; without the device the CPU halts for good with
 * interrupts off.
 */
void
plat_exit(int status)
{
	outb(DEBUG_EXIT_PORT, (uint8_t)status);
	x86_halt_forever();
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
