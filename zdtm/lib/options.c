/* Parsing of --name=value command-line options declared with TEST_OPTION. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdtmlib.h"
#include "internal.h"

static struct zdtm_opt *opts;

void zdtm_add_opt(struct zdtm_opt *opt)
{
	opt->next = opts;
	opts = opt;
}

/* Option names compare with '-' and '_' treated as the same character. */
static int name_matches(const char *declared, const char *given, size_t given_len)
{
	size_t i;

	for (i = 0; i < given_len; i++) {
		char a = declared[i], b = given[i];

		if (a == '\0')
			return 0;
		if (a == '-')
			a = '_';
		if (b == '-')
			b = '_';
		if (a != b)
			return 0;
	}
	return declared[i] == '\0';
}

static void usage(const char *prog, const char *why, const char *arg)
{
	struct zdtm_opt *o;

	fprintf(stderr, "%s: %s%s%s\n", prog, why, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "usage: %s --pidfile=FILE --outfile=FILE", prog);
	for (o = opts; o; o = o->next)
		fprintf(stderr, " %s--%s=VALUE%s", o->required ? "" : "[", o->name,
			o->required ? "" : "]");
	fprintf(stderr, "\n");
	for (o = opts; o; o = o->next)
		fprintf(stderr, "  --%s: %s\n", o->name, o->help);
	exit(2);
}

static int set_value(struct zdtm_opt *o, const char *val)
{
	char *end;

	switch (o->kind) {
	case ZDTM_OPT_string:
		*(const char **)o->value = val;
		return 0;
	case ZDTM_OPT_int: {
		long v = strtol(val, &end, 0);

		if (*val == '\0' || *end != '\0' || v != (int)v)
			return -1;
		*(int *)o->value = (int)v;
		return 0;
	}
	case ZDTM_OPT_ulong: {
		unsigned long v = strtoul(val, &end, 0);

		if (*val == '\0' || *end != '\0' || *val == '-')
			return -1;
		*(unsigned long *)o->value = v;
		return 0;
	}
	case ZDTM_OPT_bool:
		if (!strcmp(val, "1") || !strcmp(val, "yes") || !strcmp(val, "true"))
			*(int *)o->value = 1;
		else if (!strcmp(val, "0") || !strcmp(val, "no") || !strcmp(val, "false"))
			*(int *)o->value = 0;
		else
			return -1;
		return 0;
	}
	return -1;
}

void zdtm_parse_options(int argc, char **argv, const char **pidfile, const char **outfile)
{
	struct zdtm_opt *o;
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *val;
		size_t len;

		if (strncmp(arg, "--", 2))
			usage(argv[0], "not an option", arg);
		arg += 2;
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		val = eq ? eq + 1 : NULL;

		if (name_matches("pidfile", arg, len) && val) {
			*pidfile = val;
			continue;
		}
		if (name_matches("outfile", arg, len) && val) {
			*outfile = val;
			continue;
		}
		for (o = opts; o; o = o->next)
			if (name_matches(o->name, arg, len))
				break;
		if (!o)
			usage(argv[0], "unknown option", argv[i]);
		if (!val && o->kind != ZDTM_OPT_bool)
			usage(argv[0], "option needs a value", argv[i]);
		if (set_value(o, val ? val : "1"))
			usage(argv[0], "bad value", argv[i]);
		o->seen = 1;
	}

	if (!*pidfile || !*outfile)
		usage(argv[0], "--pidfile and --outfile are required", NULL);
	for (o = opts; o; o = o->next)
		if (o->required && !o->seen)
			usage(argv[0], "missing required option", o->name);
}
