/*
 * PVH entry.  Xen (or QEMU's PVH loader) enters here in 32-bit protected
 * mode, paging off, with %ebx = physical address of struct hvm_start_info.
 * We build identity page tables for the low 4 GiB, switch to long mode and
 * call kmain(start_info).  The magic is checked in C (boot/start_info.c),
 * where a clear message can be printed; here %ebx is only carried along.
 */
#include <xen/elfnote.h>

#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define EFER_MSR	0xc0000080
#define EFER_LME	0x00000100
#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080
#define BOOT_STACK_SIZE	0x4000

/* An ELF note as Xen's libelf reads it: name "Xen", 4-byte aligned. */
.macro xen_note type, desc_start, desc_end
	.balign 4
	.long 4
	.long \desc_end - \desc_start
	.long \type
	.asciz "Xen"
	.balign 4
.endm

	.section .note.xen, "a"
	xen_note XEN_ELFNOTE_PHYS32_ENTRY, 1f, 2f
1:	.long pvh_start
2:	xen_note XEN_ELFNOTE_GUEST_OS, 1f, 2f
1:	.asciz "PVH-KTEST"
2:	xen_note XEN_ELFNOTE_GUEST_VERSION, 1f, 2f
1:	.asciz "0.1"
2:	xen_note XEN_ELFNOTE_XEN_VERSION, 1f, 2f
1:	.asciz "xen-3.0"
2:	.balign 4

	.section .text.boot, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	/* Entry timestamp first, so entry-to-verdict covers all of boot. */
	rdtsc
	movl %eax, boot_tsc
	movl %edx, boot_tsc + 4
	movl $boot_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> four PDs of 2 MiB pages = 4 GiB. */
	movl $boot_pdpt + (PTE_P | PTE_W), boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd + (PTE_P | PTE_W), %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb 1b

	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, boot_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* high half of the frame address */
	movl %eax, boot_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $EFER_MSR, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $long_entry

	.code64
long_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp			/* ends the backtrace */
	movl %ebx, %edi
	call kmain
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.data
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad 0

	.bss
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
