# x86_64 blob build settings (see ../Makefile).
ARCH_CFLAGS := -mno-red-zone -fno-jump-tables
BLOBS := restorer.bin parasite.bin
restorer_SRCS := x86_64/restorer-entry.S common/restorer.c
restorer_LDS := x86_64/restorer.lds
parasite_SRCS := x86_64/parasite-entry.S common/parasite.c
parasite_LDS := x86_64/parasite.lds
