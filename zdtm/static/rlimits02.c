/* Low RLIMIT_AS and RLIMIT_DATA (soft below hard, a few MiB above what the test uses) are restored
 * and still enforced: a mapping over either limit fails with ENOMEM, a small one succeeds. */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "zdtmlib.h"

#define MIB (1024UL * 1024)

static unsigned long status_kib(const char *key)
{
	char buf[64];

	if (proc_status_field(0, key, buf, sizeof(buf)))
		return 0;
	return strtoul(buf, NULL, 10);
}

/* 0 if a private anonymous mapping of len bytes with prot can be made (then unmapped), else errno. */
static int try_map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

static int check_limit(int res, const char *name, const struct rlimit *want)
{
	struct rlimit got;

	if (getrlimit(res, &got) || got.rlim_cur != want->rlim_cur || got.rlim_max != want->rlim_max) {
		fail("%s is %llu/%llu, expected %llu/%llu", name, (unsigned long long)got.rlim_cur,
		     (unsigned long long)got.rlim_max, (unsigned long long)want->rlim_cur,
		     (unsigned long long)want->rlim_max);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct rlimit as, data;
	unsigned long vm_size, vm_data;
	int err;

	test_init(argc, argv);
	vm_size = status_kib("VmSize") * 1024;
	vm_data = status_kib("VmData") * 1024;
	if (!vm_size || !vm_data) {
		fail("no VmSize/VmData in /proc/self/status");
		return 1;
	}
	as = (struct rlimit){ vm_size + 96 * MIB, vm_size + 192 * MIB };
	data = (struct rlimit){ vm_data + 32 * MIB, vm_data + 64 * MIB };
	if (setrlimit(RLIMIT_AS, &as) || setrlimit(RLIMIT_DATA, &data)) {
		fail_errno("setrlimit");
		return 1;
	}
	if (try_map(48 * MIB, PROT_READ | PROT_WRITE) != ENOMEM || try_map(128 * MIB, PROT_NONE) != ENOMEM) {
		fail("the limits do not apply before the dump");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (!check_limit(RLIMIT_AS, "RLIMIT_AS", &as) || !check_limit(RLIMIT_DATA, "RLIMIT_DATA", &data))
		return 1;
	err = try_map(48 * MIB, PROT_READ | PROT_WRITE);
	if (err != ENOMEM) {
		fail("48 MiB of data over RLIMIT_DATA: %s", err ? strerror(err) : "mapped");
		return 1;
	}
	err = try_map(128 * MIB, PROT_NONE);
	if (err != ENOMEM) {
		fail("128 MiB over RLIMIT_AS: %s", err ? strerror(err) : "mapped");
		return 1;
	}
	err = try_map(16 * MIB, PROT_READ | PROT_WRITE);
	if (err) {
		fail("16 MiB of data within the limits: %s (VmSize %lu kB, was %lu kB)", strerror(err),
		     status_kib("VmSize"), vm_size / 1024);
		return 1;
	}
	err = try_map(48 * MIB, PROT_NONE);
	if (err) {
		fail("48 MiB PROT_NONE within RLIMIT_AS: %s (VmSize %lu kB, was %lu kB)", strerror(err),
		     status_kib("VmSize"), vm_size / 1024);
		return 1;
	}
	pass();
	return 0;
}
