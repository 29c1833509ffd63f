/*
 * Formatted output into a bounded buffer, with C99 semantics.
 *
 * Conversions: d i u o x X c s p %.  Flags: - 0 space + #.  Field width and
 * precision, either may be '*'.  Length modifiers: hh h l ll z t j.
 * %p prints "0x" and 16 hex digits; a NULL %s prints "(null)".  No floating
 * point and no %n (a format string must never be able to write memory).
 * An unknown conversion is copied to the output as written, consuming no
 * argument.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include "lib/compiler.h"
#include <stdarg.h>

/*
 * Writes at most `size` bytes including the terminating NUL, which is
 * always written when size > 0.  Returns the length the full output would
 * have had (so the output was truncated iff the result is >= size), or
 * -EOVERFLOW if that length does not fit in an int.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
