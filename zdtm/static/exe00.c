/* /proc/self/exe still names the test binary, and the arguments in /proc/self/cmdline are intact. */
#include <limits.h>
#include <unistd.h>

#include "zdtmlib.h"

int main(int argc, char **argv)
{
	char exe_before[PATH_MAX], exe_after[PATH_MAX], cmd_before[4096], cmd_after[4096];
	ssize_t n_exe, n_cmd;

	test_init(argc, argv);
	n_exe = readlink("/proc/self/exe", exe_before, sizeof(exe_before) - 1);
	n_cmd = read_text("/proc/self/cmdline", cmd_before, sizeof(cmd_before));
	if (n_exe <= 0 || n_cmd <= 0) {
		fail_errno("read /proc/self");
		return 1;
	}
	exe_before[n_exe] = '\0';

	test_daemon();
	test_waitsig();

	if (readlink("/proc/self/exe", exe_after, sizeof(exe_after) - 1) != n_exe ||
	    memcmp(exe_after, exe_before, n_exe)) {
		fail("/proc/self/exe changed from %s", exe_before);
		return 1;
	}
	if (read_text("/proc/self/cmdline", cmd_after, sizeof(cmd_after)) != n_cmd || memcmp(cmd_after, cmd_before, n_cmd)) {
		fail("/proc/self/cmdline changed");
		return 1;
	}
	if (strcmp(argv[1], cmd_before + strlen(cmd_before) + 1)) {
		fail("argv[1] is \"%s\", cmdline says \"%s\"", argv[1], cmd_before + strlen(cmd_before) + 1);
		return 1;
	}
	pass();
	return 0;
}
