/*
 * Entry of the x86_64 restorer blob, placed at offset 0 by restorer.lds.
 * Called as entry(args, stack_top) from the freshly cloned task: switch to the
 * blob's own stack (the old one belongs to the address space about to go away).
 */
	.section .text.entry, "ax"
	.globl rst_entry
rst_entry:
	mov	%rsi, %rsp
	and	$-16, %rsp
	call	rst_main
	ud2

	.text
/*
 * long rst_clone_thread(struct clone_args *args, size_t size, void (*fn)(void *), void *arg)
 * clone3 for a thread: the child starts on the stack args names and calls fn(arg);
 * it keeps r8/r9 (fn, arg) across the syscall like every register but rax/rcx/r11.
 */
	.globl rst_clone_thread
rst_clone_thread:
	mov	%rdx, %r8
	mov	%rcx, %r9
	mov	$435, %eax	/* clone3 */
	syscall
	test	%rax, %rax
	jnz	1f
	mov	%r9, %rdi
	call	*%r8
	ud2
1:	ret

/*
 * The finish trampolines run from a copy in the finish area, the only part of the blob
 * region that stays mapped; rt_sigreturn takes its frame at rsp - 8, so rsp is set to
 * the frame's ucontext.
 * Main thread: rdi/rsi = range to unmap (the rest of the region), rdx = its frame,
 * rcx = a signal to stop with before resuming (0: none), r8 = its PID.
 */
	.globl rst_finish, rst_thread_finish, rst_finish_end
rst_finish:
	mov	%rdx, %rsp
	mov	%rcx, %r12	/* syscall clobbers rcx */
	mov	$11, %eax	/* munmap */
	syscall
	test	%r12, %r12
	jz	1f
	mov	%r8, %rdi
	mov	%r12, %rsi
	mov	$62, %eax	/* kill: a stopped task stops here, its program state intact */
	syscall
1:	mov	$15, %eax	/* rt_sigreturn */
	syscall
	ud2
/* Other threads: rdi = the pending-threads counter (in the region), rsi = its frame. */
rst_thread_finish:
	mov	%rsi, %rsp
	lock decl (%rdi)	/* after this the thread touches nothing of the region */
	mov	$15, %eax	/* rt_sigreturn */
	syscall
	ud2
rst_finish_end:

	.section .note.GNU-stack, "", @progbits
