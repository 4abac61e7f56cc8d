/* An environment variable set at run time keeps its value, and environ keeps its strings. */
#include <stdlib.h>
#include <string.h>

#include "zdtmlib.h"

static char *envname = "ZDTM_ENV00";
TEST_OPTION(envname, string, "name of the variable to set", 0);

int main(int argc, char **argv)
{
	static const char value[] = "checkpointed value with spaces = and ;";
	char **saved_environ;
	const char *got;

	test_init(argc, argv);
	if (setenv(envname, value, 1)) {
		fail_errno("setenv");
		return 1;
	}
	saved_environ = environ;

	test_daemon();
	test_waitsig();

	got = getenv(envname);
	if (!got || strcmp(got, value)) {
		fail("%s is \"%s\", expected \"%s\"", envname, got ? got : "(unset)", value);
		return 1;
	}
	if (environ != saved_environ) {
		fail("environ moved from %p to %p", (void *)saved_environ, (void *)environ);
		return 1;
	}
	pass();
	return 0;
}
