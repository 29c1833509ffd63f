/*
 * Interrupt and exception entry.  Every vector gets a 16-byte stub that
 * pushes a dummy error code where the CPU pushes none, then its vector,
 * then jumps to a common path that saves all registers as struct x86_regs
 * (arch/x86/x86_priv.h) and calls x86_trap().
 */
#define EFAULT 14

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		    (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.balign 16
	.globl x86_entry_stubs
x86_entry_stubs:
	vec = 0
	.rept 256
	.balign 16
	.if !HAS_ERR(vec)
	pushq $0
	.endif
	pushq $vec
	jmp x86_entry_common
	vec = vec + 1
	.endr

x86_entry_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Align the stack for the C call; %rbx is callee-saved. */
	movq %rsp, %rbx
	andq $-16, %rsp
	call x86_trap
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp			/* vector, error code */
	iretq

/*
 * Probes that may fault.  Each faulting instruction has an exception-table
 * entry; on a fault, x86_trap() records it and resumes at the fixup, which
 * returns -EFAULT.
 */
.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm

	/* int x86_probe_read64(const void *addr, uint64_t *val) */
	.globl x86_probe_read64
x86_probe_read64:
1:	movq (%rdi), %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	extable 1b, 2b

	/* int x86_probe_write64(void *addr, uint64_t val) */
	.globl x86_probe_write64
x86_probe_write64:
1:	movq %rsi, (%rdi)
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	extable 1b, 2b

	/* int x86_probe_ud(void) */
	.globl x86_probe_ud
x86_probe_ud:
1:	ud2
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	extable 1b, 2b

/*
 * void arch_wait_for_interrupt(void): sti; hlt.  sti holds interrupts off
 * for one more instruction, so a wake-up that is due already is taken
 * inside the hlt and ends it.  x86_idle_hlt names the hlt: an interrupt
 * taken with RIP there came before it ran (x86_trap() resumes past it).
 */
	.globl arch_wait_for_interrupt, x86_idle_hlt
arch_wait_for_interrupt:
	sti
x86_idle_hlt:
	hlt
	ret

/*
 * void x86_probe_idle_wakeup(unsigned int vector): interrupt `vector`
 * taken as if it came between that sti and hlt: an interrupt frame with
 * RIP at x86_idle_hlt, interrupts on, entered through the vector's stub
 * with interrupts off as the CPU would.  Its iret lands on the hlt (which
 * then sleeps until the next interrupt) or past it, on the ret, which
 * returns to our caller: the frame's RSP is ours.
 */
	.globl x86_probe_idle_wakeup
x86_probe_idle_wakeup:
	cli
	movq %rsp, %rax
	movl %ss, %ecx
	pushq %rcx
	pushq %rax
	pushfq
	orq $0x200, (%rsp)
	movl %cs, %ecx
	pushq %rcx
	leaq x86_idle_hlt(%rip), %rcx
	pushq %rcx
	movl %edi, %ecx
	shlq $4, %rcx
	leaq x86_entry_stubs(%rip), %rax
	addq %rcx, %rax
	jmp *%rax
