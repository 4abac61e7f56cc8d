# Rules shared by every arch: how a blob is compiled, linked and flattened.
# An arch.mk lists BLOBS (e.g. restorer.bin) and, per blob NAME, NAME_SRCS (sources under
# common/ and <arch>/) and NAME_LDS (its linker script); ARCH_CFLAGS adds arch flags.
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy

# Freestanding, position-independent, no libc; loops must not turn into memcpy calls.
BLOB_CFLAGS := -O2 -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -nostdlib \
	-fPIE -fno-stack-protector -fno-asynchronous-unwind-tables -fvisibility=hidden \
	-Wall -Wextra -Werror -Icommon -Icommon/include -I$(ARCH) $(ARCH_CFLAGS)

.SECONDARY:

$(OUT):
	mkdir -p $@

$(OUT)/%.o: common/%.c $(wildcard common/*.h common/include/*.h) $(wildcard $(ARCH)/*.h) | $(OUT)
	$(CC) $(BLOB_CFLAGS) -c $< -o $@

$(OUT)/%.o: $(ARCH)/%.S | $(OUT)
	$(CC) $(BLOB_CFLAGS) -c $< -o $@

# One link rule per blob: its objects, in source order, through its linker script.
define blob_link
$(OUT)/$(1).elf: $(addprefix $(OUT)/,$(addsuffix .o,$(basename $(notdir $($(1)_SRCS))))) $($(1)_LDS)
	$$(LD) -static -pie --no-dynamic-linker -T $($(1)_LDS) -o $$@ $$(filter %.o,$$^)
endef
$(foreach b,$(BLOBS:.bin=),$(eval $(call blob_link,$(b))))

# The blob is the flat image of the linked file; it must need no relocation.
$(OUT)/%.bin: $(OUT)/%.elf
	@if $(CROSS_COMPILE)readelf -r $< | grep -q 'Relocation section'; then echo "$<: blob has relocations" >&2; exit 1; fi
	$(OBJCOPY) -O binary $< $@
