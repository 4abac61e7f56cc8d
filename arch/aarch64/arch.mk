# aarch64 blob build settings (see ../Makefile).
CROSS_COMPILE ?= aarch64-linux-gnu-
# No outline atomics: the blob has no libgcc to call into.
ARCH_CFLAGS := -fno-jump-tables -mno-outline-atomics
BLOBS := restorer.bin
restorer_SRCS := aarch64/restorer-entry.S common/restorer.c
restorer_LDS := aarch64/restorer.lds
