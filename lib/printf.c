/*
 * vsnprintf: parse one conversion specification at a time into a struct
 * spec, then emit it through a bounded output cursor.  The cursor counts
 * every byte but stores only those that fit, which gives the C99 return
 * value for free and makes writing past `size` impossible by construction.
 */
#include "lib/printf.h"
#include "lib/errno.h"
#include "lib/string.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* bytes the full output has so far; may exceed size */
};

enum {
	F_LEFT = 1 << 0,  /* '-' */
	F_ZERO = 1 << 1,  /* '0' */
	F_SPACE = 1 << 2, /* ' ' */
	F_PLUS = 1 << 3,  /* '+' */
	F_ALT = 1 << 4,	  /* '#' */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned int flags;
	unsigned int width;
	int prec; /* < 0: none given */
	enum length len;
	char conv;
};

/* %zd takes the signed type of size_t, which is long on every target. */
BUILD_BUG_ON(sizeof(size_t) != sizeof(long));

static void put(struct out *o, char c)
{
	if (o->len < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, size_t n)
{
	while (n--)
		put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

/* Saturates rather than overflowing: "%99999999999d" must not be UB. */
static const char *parse_uint(const char *f, unsigned int *val)
{
	unsigned int v = 0;

	for (; *f >= '0' && *f <= '9'; f++) {
		unsigned int d = *f - '0';

		v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
	}
	*val = v;
	return f;
}

static const char *parse_flags(const char *f, unsigned int *flags)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			*flags |= F_LEFT;
			break;
		case '0':
			*flags |= F_ZERO;
			break;
		case ' ':
			*flags |= F_SPACE;
			break;
		case '+':
			*flags |= F_PLUS;
			break;
		case '#':
			*flags |= F_ALT;
			break;
		default:
			return f;
		}
	}
}

static const char *parse_width(const char *f, struct spec *sp, va_list *ap)
{
	if (*f != '*')
		return parse_uint(f, &sp->width);
	int w = va_arg(*ap, int);

	/* A negative '*' width is a '-' flag and a positive width. */
	if (w < 0) {
		sp->flags |= F_LEFT;
		sp->width = -(unsigned int)w;
	} else {
		sp->width = w;
	}
	return f + 1;
}

static const char *parse_prec(const char *f, struct spec *sp, va_list *ap)
{
	unsigned int p;

	sp->prec = -1;
	if (*f != '.')
		return f;
	f++;
	if (*f == '*') {
		/* A negative '*' precision counts as none given. */
		sp->prec = va_arg(*ap, int);
		return f + 1;
	}
	f = parse_uint(f, &p);
	sp->prec = p;
	return f;
}

static const char *parse_length(const char *f, enum length *len)
{
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			*len = LEN_HH;
			return f + 2;
		}
		*len = LEN_H;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			*len = LEN_LL;
			return f + 2;
		}
		*len = LEN_L;
		return f + 1;
	case 'z':
		*len = LEN_Z;
		return f + 1;
	case 't':
		*len = LEN_T;
		return f + 1;
	case 'j':
		*len = LEN_J;
		return f + 1;
	default:
		*len = LEN_NONE;
		return f;
	}
}

/* `f` points just past the '%'; returns the first byte after the spec. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	f = parse_flags(f, &sp->flags);
	f = parse_width(f, sp, ap);
	f = parse_prec(f, sp, ap);
	f = parse_length(f, &sp->len);
	sp->conv = *f;
	/* Never step over the terminator of a format ending in a spec. */
	return *f ? f + 1 : f;
}

static int64_t fetch_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
	case LEN_Z:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_T:
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static void put_padded(struct out *o, const struct spec *sp, const char *s,
		       size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!(sp->flags & F_LEFT))
		put_n(o, ' ', pad);
	put_str(o, s, n);
	if (sp->flags & F_LEFT)
		put_n(o, ' ', pad);
}

static unsigned int conv_base(char conv)
{
	switch (conv) {
	case 'o':
		return 8;
	case 'x':
	case 'X':
	case 'p':
		return 16;
	default:
		return 10;
	}
}

/* Digits of v in reverse order; none at all for v == 0 with precision 0. */
static size_t to_digits(char *buf, uint64_t v, const struct spec *sp)
{
	const char *digits = "0123456789abcdef";
	unsigned int base = conv_base(sp->conv);
	size_t n = 0;

	if (sp->conv == 'X')
		digits = "0123456789ABCDEF";
	if (v == 0 && sp->prec == 0)
		return 0;
	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	return n;
}

/*
 * Layout: [spaces] [sign] [0x] [zeros] digits [spaces].  `sign` is '-',
 * '+', ' ' or 0.  The '0' flag pads with zeros only when no precision is
 * given, as C requires.
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t v,
		       char sign)
{
	char digits[24]; /* 22 octal digits of UINT64_MAX, rounded up */
	size_t nd = to_digits(digits, v, sp);
	size_t zeros =
	    sp->prec > 0 && (size_t)sp->prec > nd ? sp->prec - nd : 0;
	bool hex = sp->conv == 'x' || sp->conv == 'X';
	const char *prefix = sp->conv == 'X' ? "0X" : "0x";
	size_t np =
	    sp->conv == 'p' || (hex && v && (sp->flags & F_ALT)) ? 2 : 0;
	size_t len, pad;

	/* '#' with %o: the first digit must be a zero. */
	if (sp->conv == 'o' && (sp->flags & F_ALT) && !zeros &&
	    (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;
	len = !!sign + np + zeros + nd;
	pad = sp->width > len ? sp->width - len : 0;
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT))
		put_n(o, ' ', pad);
	if (sign)
		put(o, sign);
	put_str(o, prefix, np);
	put_n(o, '0', zeros);
	while (nd)
		put(o, digits[--nd]);
	if (sp->flags & F_LEFT)
		put_n(o, ' ', pad);
}

static void put_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	int64_t s = fetch_signed(sp->len, ap);
	char sign = s < 0		  ? '-'
		    : sp->flags & F_PLUS  ? '+'
		    : sp->flags & F_SPACE ? ' '
					  : 0;

	/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
	put_number(o, sp, s < 0 ? -(uint64_t)s : (uint64_t)s, sign);
}

static void put_string(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);

	if (!s)
		s = "(null)";
	/* With a precision, s need not be terminated: never read past it. */
	put_padded(o, sp, s, sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s));
}

static void put_pointer(struct out *o, struct spec *sp, va_list *ap)
{
	sp->prec = 2 * sizeof(void *);
	put_number(o, sp, (uintptr_t)va_arg(*ap, void *), 0);
}

/* Emits one conversion; `start` is its '%', for echoing unknown ones. */
static void put_conv(struct out *o, struct spec *sp, const char *start,
		     const char *end, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		put_signed(o, sp, ap);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		put_number(o, sp, fetch_unsigned(sp->len, ap), 0);
		break;
	case 'p':
		put_pointer(o, sp, ap);
		break;
	case 's':
		put_string(o, sp, ap);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, sp, &c, 1);
		break;
	case '%':
		put(o, '%');
		break;
	default:
		put_str(o, start, end - start);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	struct spec sp;
	const char *start;
	va_list args;

	/* A va_list parameter may be an array: copy it to pass it around. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		start = fmt;
		fmt = parse_spec(fmt + 1, &sp, &args);
		put_conv(&o, &sp, start, fmt, &args);
	}
	va_end(args);
	if (size)
		buf[MIN(o.len, size - 1)] = '\0';
	return o.len > __INT_MAX__ ? -EOVERFLOW : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
