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

/*
 * The finish trampoline runs from a copy in the finish area, the only part of the
 * blob region that stays mapped: rdi/rsi = range to unmap (the rest of the region),
 * rdx = address of the prepared rt_sigframe's ucontext. rt_sigreturn takes its
 * frame at rsp - 8, so rsp is set to the ucontext.
 */
	.text
	.globl rst_finish, rst_finish_end
rst_finish:
	mov	%rdx, %rsp
	mov	$11, %eax	/* munmap */
	syscall
	mov	$15, %eax	/* rt_sigreturn */
	syscall
	ud2
rst_finish_end:

	.section .note.GNU-stack, "", @progbits
