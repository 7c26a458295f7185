/*
 * The test kernel's command line: words separated by spaces, each either a
 * flag ("bench") or "key=value".  kmain accepts only words it or the
 * platform knows, each with a well-formed value: a typo or a malformed
 * number must not turn into a run that tests nothing and reports ok.
 */
#include "kern.h"

/* Whole decimal or 0x-hex number in s[0, len); false if malformed or too large. */
bool
kern_parse_u64(const char *s, size_t len, uint64_t *vp)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d = (c >= '0' && c <= '9') ? (unsigned)(c - '0') :
		    (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10) :
		    (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10) : 99;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*vp = v;
	return true;
}

/*
 * The next word of *cursor (its length in *lenp), advancing past it; NULL
 * at the end.
 */
const char *
kern_cmdline_next(const char **cursor, size_t *lenp)
{
	const char *s = *cursor;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return NULL;
	const char *w = s;
	while (*s != '\0' && *s != ' ')
		s++;
	*lenp = (size_t)(s - w);
	*cursor = s;
	return w;
}

/*
 * Does word w (len bytes) have the key `key` ("name=")?  Then the value's
 * start and length.
 */
bool
kern_cmdline_key(const char *w, size_t len, const char *key, const char **valp,
    size_t *vlenp)
{
	size_t k = strlen(key);

	if (len < k || strncmp(w, key, k) != 0)
		return false;
	*valp = w + k;
	*vlenp = len - k;
	return true;
}

/* The value of the last word "key..." in cmdline (length in *lenp), or NULL. */
const char *
kern_cmdline_value(const char *cmdline, const char *key, size_t *lenp)
{
	const char *w, *val = NULL, *v;
	size_t len, vlen;

	while ((w = kern_cmdline_next(&cmdline, &len)) != NULL)
		if (kern_cmdline_key(w, len, key, &v, &vlen)) {
			val = v;
			*lenp = vlen;
		}
	return val;
}
