/*
 * Suite `window` (host): the reserved-window frame allocator against an
 * interrupt that takes a frame from the same window, as netfront's does
 * (RX refill -> grant -> table growth -> xen_window_alloc()) while thread
 * context is inside a map or unmap.  kernel/xen/window.c is compiled into
 * this file with its bitmap updates wrapped: the wrapper raises a fake
 * interrupt at the allocator's critical point, between finding a zero bit
 * and setting it, and inside the read-modify-write of a clear.  When
 * interrupts are off there, the interrupt stays pending and is delivered
 * once the thread is done, as the CPU would on re-enabling.
 */
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/ktest.h"
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/host/fake_arch.h"

#define WIN_VECTOR 0xe1
#define WIN_GFN	   0x10000ULL
#define WIN_FRAMES 128

static struct {
	bool armed, pending;
	unsigned int irqs; /* interrupt handler runs */
	int rc;		   /* its xen_window_alloc() result */
	uint64_t gfn;	   /* the frame it got */
} w;

static void window_critical_point(void)
{
	if (!w.armed)
		return;
	w.armed = false;
	if (fake_arch_raise_irq(WIN_VECTOR) == -EAGAIN)
		w.pending = true;
}

static inline void hooked_set_bit(unsigned long *map, size_t bit)
{
	window_critical_point();
	bitmap_set_bit(map, bit);
}

/* The clear as the CPU does it: load, (interrupt), store. */
static inline void hooked_clear_bit(unsigned long *map, size_t bit)
{
	unsigned long *word = &map[bit / BITS_PER_LONG];
	unsigned long v = READ_ONCE(*word);

	window_critical_point();
	WRITE_ONCE(*word, v & ~bitmap_bit_mask(bit));
}

#define bitmap_set_bit	 hooked_set_bit
#define bitmap_clear_bit hooked_clear_bit
#include "kernel/xen/window.c"
#undef bitmap_set_bit
#undef bitmap_clear_bit

/* window.c's own globals live with the platform code in the kernel. */
struct xen_info xen_info;
struct boot_info boot_info;

/* xen_window_map_space() is not under test here: no hypervisor to map. */
int xen_memory_op(int cmd, void *arg)
{
	return -ENOSYS;
}

/* Interrupt context: what netfront's grant-table growth does. */
static void window_irq(void)
{
	w.irqs++;
	w.rc = xen_window_alloc(&w.gfn);
}

static void setup(void)
{
	memset(&w, 0, sizeof(w));
	memset(used, 0, sizeof(used));
	nr_used = 0;
	xen_info.window_gfn = WIN_GFN;
	xen_info.window_frames = WIN_FRAMES;
	KT_ASSERT(arch_set_irq_handler(WIN_VECTOR, window_irq) == 0);
	arch_irq_enable();
}

/* Interrupts back on: a pending interrupt is taken now. */
static void deliver_pending(void)
{
	KT_EXPECT(arch_irqs_enabled());
	if (w.pending) {
		w.pending = false;
		KT_EXPECT_EQ(fake_arch_raise_irq(WIN_VECTOR), 0);
	}
}

static uint64_t bits_set(void)
{
	uint64_t n = 0;

	for (size_t i = 0; i < WIN_FRAMES; i++)
		n += bitmap_test_bit(used, i);
	return n;
}

/* Every frame handed out from now on differs from `held`. */
static void expect_never_again(uint64_t held)
{
	uint64_t g;

	while (xen_window_alloc(&g) == 0)
		KT_EXPECT(g != held);
	KT_EXPECT_EQ(xen_window_used(), WIN_FRAMES);
}

KTEST(window, irq_alloc_inside_alloc)
{
	uint64_t g = 0;

	setup();
	w.armed = true;
	KT_ASSERT(xen_window_alloc(&g) == 0);
	deliver_pending();
	KT_ASSERT(w.irqs == 1);
	KT_ASSERT(w.rc == 0);
	/* Two users, two frames. */
	KT_EXPECT(g != w.gfn);
	KT_EXPECT_EQ(xen_window_used(), 2);
	KT_EXPECT_EQ(bits_set(), 2);
	expect_never_again(w.gfn);
}

KTEST(window, irq_alloc_inside_free)
{
	uint64_t g = 0, keep = 0;

	setup();
	KT_ASSERT(xen_window_alloc(&keep) == 0);
	KT_ASSERT(xen_window_alloc(&g) == 0);
	w.armed = true;
	xen_window_free(g);
	deliver_pending();
	KT_ASSERT(w.irqs == 1);
	KT_ASSERT(w.rc == 0);
	/* The interrupt's frame stays allocated: no bit lost. */
	KT_EXPECT(bitmap_test_bit(used, w.gfn - WIN_GFN));
	KT_EXPECT(w.gfn != keep);
	KT_EXPECT_EQ(xen_window_used(), 2);
	KT_EXPECT_EQ(bits_set(), 2);
	expect_never_again(w.gfn);
}

/* With interrupts already off (an interrupt handler), they stay off. */
KTEST(window, nests_with_irqs_off)
{
	uint64_t g = 0;

	setup();
	arch_irq_disable();
	KT_EXPECT_EQ(xen_window_alloc(&g), 0);
	KT_EXPECT(!arch_irqs_enabled());
	xen_window_free(g);
	KT_EXPECT(!arch_irqs_enabled());
	arch_irq_enable();
	KT_EXPECT_EQ(xen_window_used(), 0);
}
