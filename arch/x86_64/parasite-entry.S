/*
 * Entry of the x86_64 parasite blob (offset 0, see parasite.lds). The dumper starts the
 * stopped thread here with rdi = struct par_args *, rsp = the parasite's stack top.
 * When par_main returns, int3 hands the thread back to the dumper (SIGTRAP stop).
 */
	.section .text.entry, "ax"
	.globl par_entry
par_entry:
	and	$-16, %rsp
	call	par_main
	int3
	ud2

	.text
/* void par_sigreturn(u64 frame_sp): resume the task from the frame the dumper wrote. */
	.globl par_sigreturn
par_sigreturn:
	mov	%rdi, %rsp
	mov	$15, %eax	/* rt_sigreturn */
	syscall
	ud2

	.section .note.GNU-stack, "", @progbits
