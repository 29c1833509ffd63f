/*
 * 16550 UART on COM1, polled.  Probed through the scratch register: under
 * Xen PVH there is no UART and unclaimed port reads return 0xff, so the
 * sink is simply not registered there.
 */
#include "kernel/arch.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "lib/errno.h"

#define COM1	 0x3f8
#define REG_DATA 0
#define REG_IER	 1
#define REG_FCR	 2
#define REG_LCR	 3
#define REG_MCR	 4
#define REG_LSR	 5
#define REG_SCR	 7
#define LSR_THRE 0x20
#define LCR_DLAB 0x80
#define TX_SPINS 100000

static void uart_putc(char c)
{
	/* Bounded wait: a wedged UART must not hang the kernel. */
	for (int i = 0; i < TX_SPINS; i++)
		if (arch_inb(COM1 + REG_LSR) & LSR_THRE)
			break;
	arch_outb(COM1 + REG_DATA, (uint8_t)c);
}

static void uart_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static struct cons_sink uart_sink = {.name = "uart", .write = uart_write};

static bool uart_present(void)
{
	arch_outb(COM1 + REG_SCR, 0x5a);
	if (arch_inb(COM1 + REG_SCR) != 0x5a)
		return false;
	arch_outb(COM1 + REG_SCR, 0xa5);
	return arch_inb(COM1 + REG_SCR) == 0xa5;
}

static int uart_init(void)
{
	if (!uart_present())
		return -ENODEV;
	arch_outb(COM1 + REG_IER, 0); /* polled: no interrupts */
	arch_outb(COM1 + REG_LCR, LCR_DLAB);
	arch_outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
	arch_outb(COM1 + REG_IER, 0);
	arch_outb(COM1 + REG_LCR, 0x03); /* 8N1 */
	arch_outb(COM1 + REG_FCR, 0xc7); /* FIFO on, cleared */
	arch_outb(COM1 + REG_MCR, 0x03);
	cons_register(&uart_sink);
	return 0;
}
KINIT(KINIT_EARLY_CONSOLE, uart_init);
