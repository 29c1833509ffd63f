/*
 * Freestanding string and memory functions with the standard libc names
 * and semantics, so code reads as usual and the compiler's own implicit
 * calls (struct copies, zeroing) land here.  Host unit tests rename them
 * (tests/host/host-names.h) so they are tested instead of glibc's.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/compiler.h"

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
/* Like memcpy, but the regions may overlap. */
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
/* First byte of s[0..n) that is NOT c, or NULL if all are (Linux's name). */
void *memchr_inv(const void *s, int c, size_t n);

size_t strlen(const char *s);
/* Never reads past s[maxlen - 1]: safe on buffers that may lack a NUL. */
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* strchr(s, '\0') finds the terminator, as in C. */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/*
 * Bounded copy (BSD/POSIX-2024 semantics): copies at most size - 1 bytes
 * and always NUL-terminates when size > 0.  Returns strlen(src), so the
 * copy was truncated iff the result is >= size.  src must be terminated;
 * for a possibly unterminated source, bound it first with strnlen().
 */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/*
 * Parse an unsigned integer from the first `len` bytes of `s` (or up to a
 * NUL, if one comes first); `s` need not be terminated.  Every byte must
 * be a digit: no sign, spaces or trailing text, so hostile input (e.g. a
 * xenstore value) cannot smuggle in anything unexpected.  Base 0 picks 16
 * for "0x", 8 for a leading "0", else 10; base 16 accepts a "0x" prefix.
 * Returns 0 with *out set, -EINVAL for malformed input or a base outside
 * 0 and 2..36, -ERANGE if the value does not fit in 64 bits.  *out is left
 * untouched on error.
 */
int __must_check kstrtou64(const char *s, size_t len, unsigned int base,
			   uint64_t *out);

#endif
