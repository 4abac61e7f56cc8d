# x86_64 blob build settings (see ../Makefile).
CROSS_COMPILE ?=
BLOBS :=
