/*
 * Entry of the aarch64 restorer blob, placed at offset 0 by restorer.lds.
 * Called as entry(args, stack_top) from the freshly cloned task: switch to the
 * blob's own stack (the old one belongs to the address space about to go away).
 */
	.section .text.entry, "ax"
	.globl rst_entry
rst_entry:
	and	x1, x1, #~15
	mov	sp, x1
	bl	rst_main
	brk	#0

	.text
/*
 * long rst_clone_thread(struct clone_args *args, size_t size, void (*fn)(void *), void *arg)
 * clone3 for a thread: the child starts on the stack args names and calls fn(arg).
 * svc preserves every register but x0, so fn and arg survive in x9/x10.
 */
	.globl rst_clone_thread
	.hidden rst_clone_thread
rst_clone_thread:
	mov	x9, x2
	mov	x10, x3
	mov	x8, #435	/* clone3 */
	svc	#0
	cbnz	x0, 1f
	mov	x0, x10
	blr	x9
	brk	#0
1:	ret

/*
 * The finish trampolines run from a copy in the finish area, the only part of the blob
 * region that stays mapped; rt_sigreturn takes its frame at sp.
 * Main thread: x0/x1 = range to unmap (the rest of the region), x2 = its frame, x3 = the
 * signal that stops a task dumped stopped (0: none), x4 = its pid.
 */
	.globl rst_finish, rst_thread_finish, rst_finish_end
	.hidden rst_finish, rst_thread_finish, rst_finish_end
rst_finish:
	mov	sp, x2
	mov	x8, #215	/* munmap */
	svc	#0
	cbz	x3, 1f
	mov	x0, x4
	mov	x1, x3
	mov	x8, #129	/* kill: a stopped task stops here, its program state intact */
	svc	#0
1:	mov	x8, #139	/* rt_sigreturn */
	svc	#0
	brk	#0
/* Other threads: x0 = the pending-threads counter (in the region), x1 = its frame. */
rst_thread_finish:
	mov	sp, x1
1:	ldxr	w2, [x0]
	sub	w2, w2, #1
	stlxr	w3, w2, [x0]	/* after this the thread touches nothing of the region */
	cbnz	w3, 1b
	mov	x8, #139	/* rt_sigreturn */
	svc	#0
	brk	#0
rst_finish_end:

	.section .note.GNU-stack, "", @progbits
