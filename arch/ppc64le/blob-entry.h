/*
 * Shared prologue of the ppc64le blob entries (ELFv2). The caller's r12 is not trusted:
 * r2 (the TOC pointer the compiled code addresses its data with) is derived from the
 * entry's own address, found with a branch-and-link to the next instruction. Then the
 * stack pointer in \sp is aligned and given an empty minimum frame with a null back chain.
 */
	.macro	BLOB_ENTRY sym, sp
	bcl	20, 31, 1f
1:	mflr	r12
	addis	r2, r12, (.TOC. - 1b)@ha
	addi	r2, r2, (.TOC. - 1b)@l
	clrrdi	r1, \sp, 4
	li	r0, 0
	stdu	r0, -112(r1)
	.endm
