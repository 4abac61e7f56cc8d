/*
 * Entry of the ppc64le parasite blob (offset 0, see parasite.lds). The dumper starts the
 * stopped thread here with r3 = struct par_args *, r1 = the parasite's stack top.
 * When par_main returns, trap hands the thread back to the dumper (SIGTRAP stop).
 */
#include "blob-entry.h"

	.section .text.entry, "ax"
	.globl par_entry
par_entry:
	BLOB_ENTRY par_entry, r1
	bl	par_main
	nop
	trap

	.text
/* void par_sigreturn(u64 frame_sp): resume the task from the frame the dumper wrote. */
	.globl par_sigreturn
	.hidden par_sigreturn
par_sigreturn:
	mr	r1, r3
	li	r0, 172		/* rt_sigreturn */
	sc
	trap

	.section .note.GNU-stack, "", @progbits
