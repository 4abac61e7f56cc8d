/*
 * Entry of the ppc64le restorer blob, placed at offset 0 by restorer.lds.
 * Called as entry(args, stack_top) from the freshly cloned task: switch to the
 * blob's own stack (the old one belongs to the address space about to go away).
 */
#include "blob-entry.h"

	.section .text.entry, "ax"
	.globl rst_entry
rst_entry:
	BLOB_ENTRY rst_entry, r4
	bl	rst_main
	nop
	trap

	.text
/*
 * long rst_clone_thread(struct clone_args *args, size_t size, void (*fn)(void *), void *arg)
 * clone3 for a thread: the child starts on the stack args names and calls fn(arg). fn and
 * arg wait in r30/r31, which the child inherits and the parent gets back from the red zone.
 */
	.globl rst_clone_thread
	.hidden rst_clone_thread
rst_clone_thread:
	std	r30, -16(r1)
	std	r31, -8(r1)
	mr	r30, r5
	mr	r31, r6
	li	r0, 435		/* clone3 */
	sc
	bns+	1f
	neg	r3, r3
	b	2f
1:	cmpdi	r3, 0
	bne	2f
	li	r0, 0		/* child: a frame below the stack top, then fn(arg) */
	stdu	r0, -112(r1)
	mr	r3, r31
	mr	r12, r30
	mtctr	r12
	bctrl
	trap
2:	ld	r30, -16(r1)
	ld	r31, -8(r1)
	blr

/*
 * The finish trampolines run from a copy in the finish area, the only part of the blob
 * region that stays mapped; rt_sigreturn finds the ucontext at r1.
 * Main thread: r3/r4 = range to unmap (the rest of the region), r5 = its frame, r6 = the
 * signal that stops a task dumped stopped (0: none), r7 = its pid. sc may clobber r0 and
 * r3-r12, so those two wait in r14/r15, which the sigreturn overwrites anyway.
 */
	.globl rst_finish, rst_thread_finish, rst_finish_end
	.hidden rst_finish, rst_thread_finish, rst_finish_end
rst_finish:
	mr	r1, r5
	mr	r14, r6
	mr	r15, r7
	li	r0, 91		/* munmap */
	sc
	cmpdi	r14, 0
	beq	1f
	mr	r3, r15
	mr	r4, r14
	li	r0, 37		/* kill: a stopped task stops here, its program state intact */
	sc
1:	li	r0, 172		/* rt_sigreturn */
	sc
	trap
/* Other threads: r3 = the pending-threads counter (in the region), r4 = its frame. */
rst_thread_finish:
	mr	r1, r4
	lwsync
1:	lwarx	r5, 0, r3
	addi	r5, r5, -1
	stwcx.	r5, 0, r3	/* after this the thread touches nothing of the region */
	bne-	1b
	li	r0, 172		/* rt_sigreturn */
	sc
	trap
rst_finish_end:

	.section .note.GNU-stack, "", @progbits
