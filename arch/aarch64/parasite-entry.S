/*
 * Entry of the aarch64 parasite blob (offset 0, see parasite.lds). The dumper starts the
 * stopped thread here with x0 = struct par_args *, sp = the parasite's stack top.
 * When par_main returns, brk hands the thread back to the dumper (SIGTRAP stop).
 */
	.section .text.entry, "ax"
	.globl par_entry
par_entry:
	mov	x9, sp
	and	x9, x9, #~15
	mov	sp, x9
	bl	par_main
	brk	#0

	.text
/* void par_sigreturn(u64 frame_sp): resume the task from the frame the dumper wrote. */
	.globl par_sigreturn
	.hidden par_sigreturn
par_sigreturn:
	mov	sp, x0
	mov	x8, #139	/* rt_sigreturn */
	svc	#0
	brk	#0

	.section .note.GNU-stack, "", @progbits
