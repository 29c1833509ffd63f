# libFuzzer harnesses (clang -fsanitize=fuzzer,address,undefined).
#   make test-fuzz   short run, part of `make test`: FUZZ_RUNS runs or
#                    FUZZ_SHORT_TIME seconds, whichever ends first
#   make fuzz        long run: FUZZ_TIME seconds (default 300)
# Project code is compiled as for the host tests (FUZZ_CFLAGS in the top
# Makefile): freestanding, -nostdinc, lib/ renamed to lib_* by
# tests/host/host-names.h, and a check that no project object calls libc's
# versions.  The corpus grows in $(O)/fuzz/corpus-*; crash inputs land in
# $(O)/fuzz/ too.  kernel/xen/xenstore/xenstore.mk adds the client's
# sources to FUZZ_XS_SRCS.

.PHONY: test-fuzz fuzz

FUZZ_DIR := $(O)/fuzz
FUZZ_RUNS ?= 200000
FUZZ_SHORT_TIME ?= 20
FUZZ_TIME ?= 300
FUZZ_FLAGS := -max_len=8192 -timeout=10 -print_final_stats=1 \
	-artifact_prefix=$(FUZZ_DIR)/

FUZZ_XS_BIN := $(FUZZ_DIR)/xs-fuzz
FUZZ_XS_SRCS += lib/string.c lib/printf.c kernel/printk.c \
	tests/host/fake_irq.c tests/fuzz/xs_fuzz.c

# libc names that must not be called: host-names.h's, minus those the
# compiler emits by itself (see tests/host/check-host-names.sh).
$(FUZZ_XS_BIN):
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(SANFLAGS) -o $@ $^
	$(Q)sed -n 's/^#define \([a-z0-9_]*\) lib_\1$$/\1/p' \
		tests/host/host-names.h | \
		grep -vx 'memcpy\|memmove\|memset\|memcmp' > $@.names
	$(Q)bad=$$(nm -u $^ | awk 'NF == 2 {print $$2}' | sort -u | \
		grep -xF -f $@.names || true); \
	[ -z "$$bad" ] || { echo "fuzz: project code calls libc's:" \
		$$bad >&2; rm -f $@; exit 1; }

# $(1): binary, $(2): corpus name, $(3): seed script, $(4): limits
define fuzz_run
	@mkdir -p $(FUZZ_DIR)/corpus-$(2)
	$(Q)$(PYTHON) $(3) $(FUZZ_DIR)/seeds-$(2)
	@echo "  FUZZ    $(2): $(4)"
	$(Q)$(1) $(FUZZ_FLAGS) $(4) $(FUZZ_DIR)/corpus-$(2) \
		$(FUZZ_DIR)/seeds-$(2) > $(FUZZ_DIR)/$(2).log 2>&1 || \
		{ tail -n 60 $(FUZZ_DIR)/$(2).log; \
		  echo "fuzz: $(2) failed, log in $(FUZZ_DIR)/$(2).log" >&2; \
		  exit 1; }
	$(Q)grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' \
		$(FUZZ_DIR)/$(2).log | sed 's/^/  FUZZ    $(2): /'
endef

test-fuzz: $(FUZZ_XS_BIN)
	$(call fuzz_run,$(FUZZ_XS_BIN),xs,tests/fuzz/xs_seeds.py,-runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SHORT_TIME))

fuzz: $(FUZZ_XS_BIN)
	$(call fuzz_run,$(FUZZ_XS_BIN),xs,tests/fuzz/xs_seeds.py,-max_total_time=$(FUZZ_TIME))
