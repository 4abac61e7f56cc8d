# ppc64le blob build settings (see ../Makefile).
# ELFv2, medium code model: data is reached TOC-relative from r2, which the entries set up.
# -mregnames: the entry sources name registers (r1, not 1).
ARCH_CFLAGS := -fno-jump-tables -mcmodel=medium -Wa,-mregnames
BLOBS := restorer.bin parasite.bin
restorer_SRCS := ppc64le/restorer-entry.S common/restorer.c
restorer_LDS := ppc64le/restorer.lds
parasite_SRCS := ppc64le/parasite-entry.S common/parasite.c
parasite_LDS := ppc64le/parasite.lds
