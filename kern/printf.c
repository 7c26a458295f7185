/*
 * A small printf for the test kernel: %d %i %u %x %X %p %s %c %%, with
 * l / ll / z length modifiers, '#', '0' and width padding, '-' for %s, and
 * a precision for %s (".N" or ".*": at most that many bytes).
 */
#include "kern.h"

struct out {
	char	*buf;
	size_t	 size, len;
};

static void
out_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
out_num(struct out *o, unsigned long long v, unsigned base, bool upper, int width,
    bool zero, const char *prefix)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	width -= n + (int)strlen(prefix);
	if (!zero)
		for (; width > 0; width--)
			out_c(o, ' ');
	for (; *prefix; prefix++)
		out_c(o, *prefix);
	for (; width > 0; width--)
		out_c(o, '0');
	while (n > 0)
		out_c(o, tmp[--n]);
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		bool alt = false, zero = false, left = false;
		int width = 0, lng = 0, prec = -1;
		for (fmt++; *fmt == '#' || *fmt == '0' || *fmt == '-'; fmt++)
			*fmt == '#' ? (alt = true) : *fmt == '-' ? (left = true) : (zero = true);
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng += (*fmt == 'z') ? (sizeof(size_t) > 4 ? 2 : 1) : 1;
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd': case 'i':
			s = lng >= 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
			if (s < 0) {
				out_num(&o, (unsigned long long)-s, 10, false, width, zero, "-");
				break;
			}
			out_num(&o, (unsigned long long)s, 10, false, width, zero, "");
			break;
		case 'u': case 'x': case 'X':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			out_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, zero,
			    alt && *fmt != 'u' && u != 0 ? "0x" : "");
			break;
		case 'p':
			out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, width, zero, "0x");
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			str = str ? str : "(null)";
			int n = 0;
			while (str[n] != '\0' && (prec < 0 || n < prec))
				n++;
			int pad = width - n;
			for (; !left && pad > 0; pad--)
				out_c(&o, ' ');
			for (int i = 0; i < n; i++)
				out_c(&o, str[i]);
			for (; left && pad > 0; pad--)
				out_c(&o, ' ');
			break;
		}
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_c(&o, '%');
			break;
		default:
			out_c(&o, '%');
			out_c(&o, *fmt);
			break;
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void
kvprintf(const char *fmt, va_list ap)
{
	char buf[256];

	kvsnprintf(buf, sizeof(buf), fmt, ap);
	for (const char *p = buf; *p; p++)
		plat_putc(*p);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* Panic hook: tests on the host may catch panics (kern_panic_hook). */
void (*kern_panic_hook)(const char *msg);

void
kvpanic(const char *fmt, va_list ap)
{
	char buf[256];

	kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (kern_panic_hook != NULL)
		kern_panic_hook(buf);
	kprintf("\npanic: %s\n", buf);
	plat_exit(KERN_EXIT_FAIL);
}

void
kpanic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvpanic(fmt, ap);
}
