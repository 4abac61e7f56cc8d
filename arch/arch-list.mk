# The arches criu-ts knows, for Makefiles: every folder with a descriptor.ts, and ARCH's GNU
# triple as its descriptor states it (the one place it is written). Include after setting ARCH.
ARCH_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
HOST_ARCH := $(shell uname -m)
ifeq ($(ARCH),host)
override ARCH := $(HOST_ARCH)
endif
ARCH ?= $(HOST_ARCH)
ARCHES := $(patsubst $(ARCH_DIR)/%/descriptor.ts,%,$(wildcard $(ARCH_DIR)/*/descriptor.ts))
ifeq ($(filter $(ARCH),$(ARCHES)),)
$(error unknown ARCH=$(ARCH): use one of $(ARCHES) or host)
endif
TRIPLE := $(shell sed -n "s/^  triple: '\([^']*\)'.*/\1/p" $(ARCH_DIR)/$(ARCH)/descriptor.ts)
# Compilers of another arch are the triple's; the host's are the plain ones.
CROSS := $(if $(filter $(ARCH),$(HOST_ARCH)),,1)
