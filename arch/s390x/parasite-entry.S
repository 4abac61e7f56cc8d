/*
 * Entry of the s390x parasite blob (offset 0, see parasite.lds). The dumper starts the
 * stopped thread here with r2 = struct par_args *, r15 = the parasite's stack top; the
 * entry leaves the 160-byte save area the ABI gives every callee. When par_main returns,
 * the breakpoint opcode 0x0001 hands the thread back to the dumper (SIGTRAP stop).
 */
	.section .text.entry, "ax"
	.globl par_entry
par_entry:
	nill	%r15, 0xfff8
	aghi	%r15, -160
	xc	0(8,%r15), 0(%r15)	/* no back chain */
	brasl	%r14, par_main
	.word	0x0001
	.word	0

	.text
/* void par_sigreturn(u64 frame_sp): resume the task from the frame the dumper wrote. */
	.globl par_sigreturn
	.hidden par_sigreturn
par_sigreturn:
	lgr	%r15, %r2
	svc	173			/* rt_sigreturn */
	.word	0

	.section .note.GNU-stack, "", @progbits
