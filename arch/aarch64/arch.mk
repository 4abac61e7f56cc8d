# aarch64 blob build settings (see ../Makefile).
# No outline atomics: the blobs have no libgcc to call into. No return-address signing:
# the restorer's keys change under it (the PAC keys are put back while it runs).
ARCH_CFLAGS := -fno-jump-tables -mno-outline-atomics -mbranch-protection=none
BLOBS := restorer.bin parasite.bin
restorer_SRCS := aarch64/restorer-entry.S common/restorer.c
restorer_LDS := aarch64/restorer.lds
parasite_SRCS := aarch64/parasite-entry.S common/parasite.c
parasite_LDS := aarch64/parasite.lds
