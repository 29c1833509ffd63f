/*
 * The toolstack floor of `make bench` (tests/xen/bench.mk): the smallest
 * PVH guest that prints its lines on its PV console in one write and
 * powers off, so that "xl create to first console line" of our kernel can
 * be set beside what xl, libxl and xenconsoled cost for any guest at all.
 * Deliberately not our kernel: no page tables, no long mode, no heap, no
 * xenstore; the whole program runs in the 32-bit protected mode the PVH entry
 * gives us. Built -m32 as an ELF32 with its own linker script (floor.ld); Xen's
 * libelf loads ELF32 PVH images as XTF's hvm32 tests are loaded.
 *
 * The console is found through HVM_PARAM_CONSOLE_PFN/EVTCHN (what a PVH
 * guest has instead of start_info's console fields); the line also goes
 * to port 0xE9, which is all there is under plain QEMU.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/elfnote.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/sched.h>

/*
 * One write of the least the runner accepts as a verdict (KTAP header,
 * empty plan, summary, SKIP), so the floor has a "first line" and a
 * "verdict line" like the kernel it is set beside.
 */
#define LINE                                                                   \
	"KTAP version 1\n1..0\n0 passed, 0 failed, 0 skipped\n"                \
	"Test result: SKIP\n"

/* The PVH entry: a stack, then C.  %ebx (start_info) is not needed. */
__asm__(".section .text.entry, \"ax\"\n"
	".globl floor_entry\n"
	"floor_entry:\n"
	"	cli\n"
	"	movl $floor_stack + 4096, %esp\n"
	"	call floor_main\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	".previous\n");

/* An ELF note as Xen's libelf reads it: name "Xen", 4-byte aligned. */
struct note {
	uint32_t namesz, descsz, type;
	char name[4];
	uint32_t desc;
};
void floor_entry(void);
__attribute__((section(".note.xen"), used,
	       aligned(4))) static const struct note entry_note = {
    4, 4, XEN_ELFNOTE_PHYS32_ENTRY, "Xen", (uint32_t)(uintptr_t)floor_entry};

__attribute__((aligned(16))) uint8_t floor_stack[4096];

#ifdef FLOOR_PAD_FILE
/*
 * The big floor (bench.mk's floor-big.elf): the same program in an image
 * as large as our kernel's, FLOOR_PAD_FILE bytes more in the file and
 * FLOOR_PAD_BSS more zeroed, so create-to-first-line can say what the
 * image's size costs libxc's loader apart from what our kernel does.
 */
__attribute__((used)) static const uint8_t pad_file[FLOOR_PAD_FILE] = {1};
__attribute__((used)) static uint8_t pad_bss[FLOOR_PAD_BSS];
#endif
static int amd;

/* 32-bit HVM hypercall ABI: eax = number, ebx, ecx = arguments. */
static long hypercall2(unsigned int nr, unsigned long a1, unsigned long a2)
{
	long ret;

	if (amd)
		__asm__ volatile("vmmcall"
				 : "=a"(ret), "+b"(a1), "+c"(a2)
				 : "a"(nr)
				 : "memory");
	else
		__asm__ volatile("vmcall"
				 : "=a"(ret), "+b"(a1), "+c"(a2)
				 : "a"(nr)
				 : "memory");
	return ret;
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static int is(const uint32_t r[4], const char *s)
{
	const char *p = (const char *)&r[1];

	for (int i = 0; i < 12; i++)
		if (p[i] != s[i])
			return 0;
	return 1;
}

static void e9(const char *s)
{
	for (; *s; s++)
		__asm__ volatile("outb %0, $0xe9" : : "a"(*s));
}

static uint64_t param(uint32_t index)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};

	if (hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (unsigned long)&p))
		return 0;
	return p.value;
}

void floor_main(void);
void floor_main(void)
{
	struct sched_shutdown down = {.reason = SHUTDOWN_poweroff};
	uint32_t r[4];

	e9(LINE);
	cpuid(0x40000000, r);
	if (!is(r, "XenVMMXenVMM"))
		return; /* plain QEMU: 0xE9 was all */
	cpuid(0, r);
	/* CPUID 0 returns the vendor in ebx, edx, ecx: "Auth" "enti" "cAMD". */
	amd = r[1] == 0x68747541 && r[3] == 0x69746e65 && r[2] == 0x444d4163;

	uint64_t pfn = param(HVM_PARAM_CONSOLE_PFN);
	struct evtchn_send send = {
	    .port = (evtchn_port_t)param(HVM_PARAM_CONSOLE_EVTCHN)};
	if (pfn && pfn < (1ull << 20)) {
		/* Paging is off: the guest-physical address is the pointer. */
		volatile struct xencons_interface *c =
		    (void *)(uintptr_t)(pfn << 12);
		XENCONS_RING_IDX prod = c->out_prod;

		for (const char *s = LINE; *s; s++)
			c->out[MASK_XENCONS_IDX(prod++, c->out)] = *s;
		__asm__ volatile("" ::: "memory");
		c->out_prod = prod;
		hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
			   (unsigned long)&send);
		/* Bounded: xenconsoled takes it in well under this. */
		for (int i = 0; i < 100000 && c->out_cons != prod; i++)
			hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	}
	hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
		   (unsigned long)&down);
}
