# s390x blob build settings (see ../Makefile). -msoft-float keeps the compiler off the
# floating-point registers (s390 gcc likes them as spill slots); z196 brings the
# interlocked-access instructions the thread finish uses.
ARCH_CFLAGS := -m64 -march=z196 -msoft-float -fno-jump-tables
BLOBS := restorer.bin parasite.bin
restorer_SRCS := s390x/restorer-entry.S common/restorer.c
restorer_LDS := s390x/restorer.lds
parasite_SRCS := s390x/parasite-entry.S common/parasite.c
parasite_LDS := s390x/parasite.lds
