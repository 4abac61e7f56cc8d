/* Several descriptors on one file keep their own offsets: a dup'ed pair shares one offset, a
 * separate open of the same file keeps another, and an O_APPEND one still appends at the end. */
#include <fcntl.h>
#include <unistd.h>

#include "zdtmlib.h"

#define LEN 8192

int main(int argc, char **argv)
{
	unsigned char data[LEN], c;
	int a, b, s, ap;
	off_t oa, ob, os, oap;

	test_init(argc, argv);
	datagen(data, LEN, 11);
	a = open("file_offset01.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (a < 0 || write_all(a, data, LEN)) {
		fail_errno("create");
		return 1;
	}
	b = dup(a);
	s = open("file_offset01.data", O_RDONLY);
	ap = open("file_offset01.data", O_WRONLY | O_APPEND);
	if (b < 0 || s < 0 || ap < 0 || lseek(a, 1234, SEEK_SET) != 1234 || lseek(s, 5678, SEEK_SET) != 5678 ||
	    lseek(ap, 17, SEEK_SET) != 17) {
		fail_errno("open/seek");
		return 1;
	}

	test_daemon();
	test_waitsig();

	oa = lseek(a, 0, SEEK_CUR);
	ob = lseek(b, 0, SEEK_CUR);
	os = lseek(s, 0, SEEK_CUR);
	oap = lseek(ap, 0, SEEK_CUR);
	if (oa != 1234 || ob != 1234 || os != 5678 || oap != 17) {
		fail("offsets %ld %ld %ld %ld, expected 1234 1234 5678 17", (long)oa, (long)ob, (long)os, (long)oap);
		return 1;
	}
	/* a and b are one open file: reading through b moves a, not s. */
	if (read(b, &c, 1) != 1 || c != data[1234] || lseek(a, 0, SEEK_CUR) != 1235 ||
	    lseek(s, 0, SEEK_CUR) != 5678) {
		fail("dup'ed descriptors no longer share one offset, or the separate open follows them");
		return 1;
	}
	/* s has its own: moving it leaves a alone. */
	if (read(s, &c, 1) != 1 || c != data[5678] || lseek(a, 0, SEEK_CUR) != 1235) {
		fail("the separately opened descriptor shares the dup'ed pair's offset");
		return 1;
	}
	/* The O_APPEND one writes at the end whatever its offset was. */
	if (write(ap, "E", 1) != 1 || lseek(ap, 0, SEEK_CUR) != LEN + 1 || pread(a, &c, 1, LEN) != 1 || c != 'E' ||
	    pread(a, &c, 1, 17) != 1 || c != data[17]) {
		fail("the O_APPEND descriptor did not append at the end");
		return 1;
	}
	if (!(fcntl(ap, F_GETFL) & O_APPEND)) {
		fail("O_APPEND lost");
		return 1;
	}
	pass();
	return 0;
}
