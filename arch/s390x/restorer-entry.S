/*
 * Entry of the s390x restorer blob, placed at offset 0 by restorer.lds.
 * Called as entry(args, stack_top) (r2, r3) from the freshly cloned task: switch to the
 * blob's own stack (the old one belongs to the address space about to go away), keeping
 * the 160-byte register save area the ABI gives every callee at its r15.
 */
	.section .text.entry, "ax"
	.globl rst_entry
rst_entry:
	nill	%r3, 0xfff8
	aghik	%r15, %r3, -160
	xc	0(8,%r15), 0(%r15)	/* no back chain */
	brasl	%r14, rst_main
	.word	0			/* invalid opcode: traps */

	.text
/*
 * long rst_clone_thread(struct clone_args *args, size_t size, void (*fn)(void *), void *arg)
 * clone3 for a thread: the child starts with r15 at the top of the stack args names and
 * calls fn(arg); r4/r5 (fn, arg) survive the svc like every register but r2.
 */
	.globl rst_clone_thread
	.hidden rst_clone_thread
rst_clone_thread:
	lghi	%r1, 435		/* clone3 */
	svc	0
	ltgr	%r2, %r2
	jnz	1f
	aghi	%r15, -160
	xc	0(8,%r15), 0(%r15)
	lgr	%r2, %r5
	basr	%r14, %r4
	.word	0
1:	br	%r14

/*
 * The finish trampolines run from a copy in the finish area, the only part of the blob
 * region that stays mapped; rt_sigreturn takes its frame at r15.
 * Main thread: r2/r3 = range to unmap (the rest of the region), r4 = its frame, r5 = the
 * signal that stops a task dumped stopped (0: none), r6 = its pid.
 */
	.globl rst_finish, rst_thread_finish, rst_finish_end
	.hidden rst_finish, rst_thread_finish, rst_finish_end
rst_finish:
	lgr	%r15, %r4
	svc	91			/* munmap */
	ltgr	%r5, %r5
	jz	1f
	lgr	%r2, %r6
	lgr	%r3, %r5
	svc	37			/* kill: a stopped task stops here, its program state intact */
1:	svc	173			/* rt_sigreturn */
	.word	0
/* Other threads: r2 = the pending-threads counter (in the region), r3 = its frame. */
rst_thread_finish:
	lgr	%r15, %r3
	lhi	%r0, -1
	laa	%r0, %r0, 0(%r2)	/* interlocked decrement; after it the region is not ours */
	svc	173			/* rt_sigreturn */
	.word	0
rst_finish_end:

	.section .note.GNU-stack, "", @progbits
