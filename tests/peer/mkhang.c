// SPDX-License-Identifier: MIT
/*
 * mkhang: writes a tiny PVH guest that only waits (sti; hlt; jmp back),
 * so a Xen test host scenario stays alive while the peer self-test runs
 * in dom0; the self-test destroys it when done.  Interrupts are enabled
 * on purpose: Xen powers a PVH guest off when all its vCPUs halt with
 * interrupts disabled.  Generated from C so tests/peer holds no assembly.
 *
 * Usage: mkhang OUT.elf
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xen/elfnote.h>

#define LOAD_ADDR 0x100000u
#define CODE_OFF  0x1000u

/* sti; hlt; jmp back to the hlt (rel8 -3) */
static const uint8_t code[] = {0xfb, 0xf4, 0xeb, 0xfd};

struct note {
	Elf64_Nhdr hdr;
	char name[4]; /* "Xen", padded to 4 */
	uint8_t desc[12];
};

static size_t add_note(uint8_t *buf, uint32_t type, const void *desc,
		       uint32_t len)
{
	struct note n;

	memset(&n, 0, sizeof(n));
	n.hdr.n_namesz = 4;
	n.hdr.n_descsz = len;
	n.hdr.n_type = type;
	memcpy(n.name, "Xen", 4);
	memcpy(n.desc, desc, len);
	/* Descriptors are padded to 4 bytes. */
	len = (len + 3) & ~3u;
	memcpy(buf, &n, sizeof(n.hdr) + 4 + len);
	return sizeof(n.hdr) + 4 + len;
}

int main(int argc, char **argv)
{
	static uint8_t img[CODE_OFF + sizeof(code)];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	size_t notes = sizeof(*eh) + 2 * sizeof(*ph), len = 0;
	uint32_t entry = LOAD_ADDR;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: mkhang OUT.elf\n");
		return 1;
	}
	len += add_note(img + notes + len, XEN_ELFNOTE_PHYS32_ENTRY, &entry,
			sizeof(entry));
	len += add_note(img + notes + len, XEN_ELFNOTE_GUEST_OS, "hang", 5);
	len +=
	    add_note(img + notes + len, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = LOAD_ADDR;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_offset = CODE_OFF;
	ph[0].p_vaddr = ph[0].p_paddr = LOAD_ADDR;
	ph[0].p_filesz = ph[0].p_memsz = sizeof(code);
	ph[0].p_align = 0x1000;
	ph[1].p_type = PT_NOTE;
	ph[1].p_flags = PF_R;
	ph[1].p_offset = notes;
	ph[1].p_filesz = ph[1].p_memsz = len;
	ph[1].p_align = 4;
	memcpy(img + CODE_OFF, code, sizeof(code));
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, sizeof(img), 1, f) != 1 || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
