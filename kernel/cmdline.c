/*
 * Command-line parsing.  The line comes from outside the kernel (the
 * toolstack's `cmdline=`/`extra=`), so it is bounded, copied, and every
 * word is either understood or reported.
 */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/string.h"

extern const struct kparam __start_kparams[], __stop_kparams[];

static int errors;
static char test_filter[CMDLINE_MAX];
static bool have_test;
static char test_skip[512];
static char test_stop_after[sizeof(test_skip)];

static const struct kparam *find_key(const char *key)
{
	for (const struct kparam *p = __start_kparams; p < __stop_kparams; p++)
		if (!strcmp(p->key, key))
			return p;
	return NULL;
}

static void parse_word(char *word)
{
	char *eq = strchr(word, '=');
	const struct kparam *p;

	if (!eq) {
		pr_err("cmdline: '%s' is not key=value\n", word);
		errors++;
		return;
	}
	*eq = '\0';
	p = find_key(word);
	if (!p) {
		pr_err("cmdline: unknown key '%s'\n", word);
		errors++;
		return;
	}
	if (p->set(eq + 1)) {
		pr_err("cmdline: bad value for '%s': '%s'\n", word, eq + 1);
		errors++;
	}
}

int cmdline_parse(const char *line)
{
	static char buf[CMDLINE_MAX + 1];
	int before = errors;
	size_t len = strnlen(line, CMDLINE_MAX + 1);
	char *s = buf;

	if (len > CMDLINE_MAX) {
		pr_err("cmdline: longer than %d bytes, ignored\n", CMDLINE_MAX);
		return ++errors - before;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	while (*s) {
		char *end;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		end = s;
		while (*end && *end != ' ' && *end != '\t' && *end != '\n')
			end++;
		if (*end)
			*end++ = '\0';
		parse_word(s);
		s = end;
	}
	return errors - before;
}

int cmdline_errors(void)
{
	return errors;
}

const char *cmdline_test_filter(void)
{
	return have_test ? test_filter : NULL;
}

int cmdline_bool(const char *value, bool *out)
{
	if (strcmp(value, "0") && strcmp(value, "1"))
		return -EINVAL;
	*out = value[0] == '1';
	return 0;
}

static int set_test(const char *v)
{
	if (!*v)
		return -EINVAL;
	strlcpy(test_filter, v, sizeof(test_filter));
	have_test = true;
	return 0;
}
KPARAM("test", set_test);

/* A test list's value into its buffer (of 512): not empty, not cut. */
static int set_test_list(char *buf, const char *v)
{
	if (!*v || strlen(v) >= sizeof(test_skip))
		return -EINVAL;
	strlcpy(buf, v, sizeof(test_skip));
	return 0;
}

/*
 * test.skip=suite.case,...: for a scenario that repeats test=all under
 * another condition (a memory size) and leaves its long tests to the
 * scenario that checks them (issue 11); ktest_set_skip_list().
 */
static int set_test_skip(const char *v)
{
	return set_test_list(test_skip, v);
}
KPARAM("test.skip", set_test_skip);

const char *cmdline_test_skip(void)
{
	return test_skip;
}

/*
 * test.stop_after=suite.case,...: make run's switched-off kernels stop
 * once the tests their row is for have all run (issue 10: the rest of the
 * suite cost a BUGGY row up to 10 s, in waits for a backend the rule-off
 * kernel had not closed properly); ktest_set_stop_after().
 */
static int set_test_stop_after(const char *v)
{
	return set_test_list(test_stop_after, v);
}
KPARAM("test.stop_after", set_test_stop_after);

const char *cmdline_test_stop_after(void)
{
	return test_stop_after;
}

static int set_loglevel(const char *v)
{
	uint64_t n;

	if (kstrtou64(v, strlen(v), 10, &n) || n > LOG_DEBUG)
		return -EINVAL;
	printk_loglevel = (int)n;
	return 0;
}
KPARAM("loglevel", set_loglevel);
