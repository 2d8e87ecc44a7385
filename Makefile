# mocker: a tiny static PID-1 init for containers (mocker-init) and the host
# launcher that starts them (mocker run).
#
#   make              build/mocker-init (static musl) and build/mocker
#   make images       root filesystems under build/images/
#   make run          build all, start the busybox image under mocker
#   make test         the test suites (as root; installs what they need);
#                     REPEAT=N runs them N times over
#   make check        cppcheck, a -Werror build, static and size checks
#   make soak         the lifecycle at full count (100 containers), 200 runs with -p
#   make bench        benchmarks against tini, dumb-init, catatonit, bwrap...
#   make test-oci     runtime-tools' OCI validation, mocker-runc beside crun
#                     and runc (OCI_SRC: its source archive)
#   make install      PREFIX=/usr/local, DESTDIR honoured; make uninstall
#
# The launcher links static libseccomp, libarchive (zlib, zstd) and jansson
# built from Debian's sources with the same compiler (musl-toolchain/deplib.sh;
# docs/dependencies.md).
# CC is the musl toolchain from musl-toolchain/ unless given: make CC=gcc
# builds a glibc variant (for valgrind; add STATIC=0 for sanitizers).
# V=1 shows the commands.

VERSION   = 0.1.0
COMMIT   := $(shell git rev-parse --short=7 HEAD 2>/dev/null || echo 0000000)
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
B        ?= build
STATIC   ?= 1

ifeq ($(origin CC),default)
TOOLCHAIN := $(B)/musl-toolchain/bin/musl-cc
CC        := $(TOOLCHAIN)
else
TOOLCHAIN :=
endif

# User flags (CFLAGS, CPPFLAGS, LDFLAGS) come after ours and can add to them;
# -static is in our link flags, so no CFLAGS can drop it.
CFLAGS   ?= -O2
WARN      = -Wall -Wextra -Wno-unused-parameter -Wformat=2
BASE_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -Icommon -I$(GEN) \
	-ffunction-sections -fdata-sections
LINK_STATIC = $(if $(filter 1 yes,$(STATIC)),-static)
BASE_LDFLAGS = $(LINK_STATIC) -Wl,--gc-sections

# The init is built for size: it is copied into every image. INIT_OPT comes
# after the user's CFLAGS, so that an -O2 there does not undo it. -Oz (GCC 12,
# clang) and, with GCC, the passes that grow this code more than they
# speed it up, and on x86 arrays aligned as the ABI asks, not to 32 bytes
# (measured: 1.2 KB of 34 in all; docs/architecture.md).
INIT_CC_REAL := $(if $(TOOLCHAIN),gcc,$(CC))
INIT_GCC_SIZE = -fno-thread-jumps -fno-tree-dominator-opts -fno-tree-loop-im -fno-ipa-modref \
	-fno-if-conversion -fno-forward-propagate -fno-tree-tail-merge -fno-tree-forwprop \
	-fno-optimize-sibling-calls
INIT_OPT   := $(shell $(INIT_CC_REAL) -Oz -x c -c -o /dev/null /dev/null 2>/dev/null && echo -Oz || echo -Os) \
	$(shell $(INIT_CC_REAL) $(INIT_GCC_SIZE) -x c -c -o /dev/null /dev/null 2>/dev/null && echo $(INIT_GCC_SIZE)) \
	$(shell $(INIT_CC_REAL) -malign-data=abi -x c -c -o /dev/null /dev/null 2>/dev/null && echo -malign-data=abi)
INIT_CFLAGS = -Iinit -flto -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-stack-protector -fno-pie -mgeneral-regs-only -fno-jump-tables
INIT_LDFLAGS = -no-pie -Wl,-z,noseparate-code -Wl,--build-id=none -Wl,-z,norelro \
	-Wl,-z,common-page-size=64 -Wl,-z,max-page-size=4096 -s
INIT_MAX_BYTES = 32768
SETUP_CFLAGS = -Isetup -I$(DEPS)/include -DMOCKER_INIT_PATH=\"$(BINDIR)/mocker-init\"

# init/ and setup/ each build on common/, never on each other: the shared
# code is compiled twice, once with each program's flags.
# init/start.c and init/libc_small.c stand in for parts of musl (see
# docs/architecture.md): only with the musl toolchain, static.
INIT_MUSL  = init/start.c init/libc_small.c
INIT_SRC   = $(filter-out $(if $(and $(TOOLCHAIN),$(LINK_STATIC)),,$(INIT_MUSL)),$(wildcard init/*.c))
SETUP_SRC  = $(filter-out setup/seccomp_gen.c,$(wildcard setup/*.c))
# The monitor program (setup/monitor/, carried inside mocker): its own
# files and the few of the launcher's it shares.
MONITOR_SRC = $(wildcard setup/monitor/*.c) setup/cgroup_end.c setup/ctrlog.c setup/file.c \
	setup/watch.c setup/nft.c setup/tree_remove.c
COMMON_SRC = $(wildcard common/*.c)
HELPER_SRC = $(wildcard tests/helpers/*.c)
BENCH_SRC  = $(wildcard bench/*.c)

OBJ       = $(B)/obj
GEN       = $(B)/gen
VERSION_H = $(GEN)/version.h
# Libraries the launcher links, built once from Debian's sources with $(CC)
# (musl-toolchain/deplib.sh): mocker stays one static binary.
DEPS      = $(B)/deps
SECCOMP_A = $(DEPS)/lib/libseccomp.a
# image layers (libarchive, with zlib and zstd) and manifests (jansson)
IMAGE_LIBS = $(DEPS)/lib/libarchive.a $(DEPS)/lib/libzstd.a $(DEPS)/lib/libz.a \
	$(DEPS)/lib/libjansson.a
SECCOMP_H = $(GEN)/seccomp_default.h
INIT_OBJ  = $(INIT_SRC:%.c=$(OBJ)/%.o) $(COMMON_SRC:common/%.c=$(OBJ)/init/common-%.o)
SETUP_OBJ = $(SETUP_SRC:%.c=$(OBJ)/%.o) $(COMMON_SRC:common/%.c=$(OBJ)/setup/common-%.o) \
	$(OBJ)/setup/monitor_elf.o
MONITOR_OBJ = $(MONITOR_SRC:setup/%.c=$(OBJ)/monitor/%.o)
HELPERS   = $(HELPER_SRC:tests/helpers/%.c=$(B)/helpers/%)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(B)/bench/%)

IMAGES    = $(B)/images/busybox/.stamp $(B)/images/appliance/.stamp \
	$(B)/images/busybox/.oci-stamp $(B)/images/appliance/.oci-stamp

Q = $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-7s %s\n' $(1) $(2);)

.PHONY: all images run test check soak bench install uninstall clean toolchain helpers test-oci
.DELETE_ON_ERROR:

all: $(B)/mocker-init $(B)/mocker $(B)/mocker-runc

# runc's command line: the same program under another name (oci_cmds.c)
$(B)/mocker-runc: $(B)/mocker
	$(Q)ln -sf mocker $@

# The compiler and flags are part of what an object depends on: the file
# is rewritten (and everything rebuilt) only when they change.
FLAGS_NOW := $(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $(STATIC) $(BINDIR)
ifneq ($(FLAGS_NOW),$(shell cat $(B)/.flags 2>/dev/null))
$(shell mkdir -p $(B) && printf '%s\n' '$(FLAGS_NOW)' > $(B)/.flags)
endif

# The version and commit, in a header only the files that print them
# include: it is rewritten when they change, so a new commit rebuilds those
# two objects, not every one. (Made here, not by a rule: make -q stays true.)
VERSION_NOW := $(VERSION) $(COMMIT)
ifneq ($(VERSION_NOW),$(shell sed -n 's,^/\* \(.*\) \*/$$,\1,p' $(VERSION_H) 2>/dev/null))
$(shell mkdir -p $(GEN) && printf '/* %s */\n#define MOCKER_VERSION "%s"\n#define MOCKER_COMMIT "%s"\n' \
	'$(VERSION_NOW)' '$(VERSION)' '$(COMMIT)' > $(VERSION_H))
endif

# The license, for mocker-init -l (as tini -l prints its own).
$(GEN)/license.h: LICENSE
	$(call say,GEN,$@)mkdir -p $(@D) && { echo 'static const char license[] ='; \
	sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&\\n"/' LICENSE; echo ';'; } > $@
$(OBJ)/init/options.o: $(GEN)/license.h

toolchain: $(TOOLCHAIN)
$(B)/musl-toolchain/bin/musl-cc: musl-toolchain/setup.sh
	$(call say,TOOLCHAIN,$@)sh musl-toolchain/setup.sh $(B)/musl-toolchain

$(OBJ)/init/%.o: init/%.c $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(INIT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(INIT_OPT) -MMD -MP -c -o $@ $<

$(OBJ)/init/common-%.o: common/%.c $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(INIT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(INIT_OPT) -MMD -MP -c -o $@ $<

$(OBJ)/setup/%.o: setup/%.c $(B)/.flags | $(TOOLCHAIN) $(SECCOMP_A) $(SECCOMP_H) $(IMAGE_LIBS)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(SETUP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/setup/common-%.o: common/%.c $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(SETUP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# The init links a copy of musl's libc.a whose functions are not padded to
# 16 bytes (x86 code needs no alignment; arm64 keeps 4): 850 bytes of the
# 32 KiB. Any other C library is linked as it is.
INIT_LIBC = $(B)/init-libc/.made
INIT_TEXT_ALIGN = $(if $(findstring x86_64,$(shell $(CC) -dumpmachine 2>/dev/null)),1,4)
$(INIT_LIBC): | $(TOOLCHAIN)
	$(call say,LIBC,$@)mkdir -p $(@D) && \
	libc=$$(echo 'int main(void){return 0;}' | $(CC) $(LINK_STATIC) -x c - -o /dev/null -Wl,-t 2>/dev/null | \
		grep 'musl.*/libc\.a$$' | head -n 1); \
	if [ -n "$$libc" ]; then objcopy --set-section-alignment '.text.*=$(INIT_TEXT_ALIGN)' \
		"$$libc" $(@D)/libc.a; fi && touch $@

$(B)/mocker-init: $(INIT_OBJ) $(INIT_LIBC)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(INIT_OPT) -flto $(BASE_LDFLAGS) $(INIT_LDFLAGS) $(LDFLAGS) \
		$(if $(LINK_STATIC),-L$(dir $(INIT_LIBC))) -o $@ $(INIT_OBJ)
	$(Q)strip -R .comment $@
	$(Q)sh musl-toolchain/sstrip.sh $@

# The monitor program is built for size: its pages are what a container
# costs the host.
$(OBJ)/monitor/%.o: setup/%.c $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) -Isetup -Isetup/monitor $(CPPFLAGS) $(CFLAGS) -Os -fno-asynchronous-unwind-tables -MMD -MP -c -o $@ $<

$(B)/mocker-monitor: $(MONITOR_OBJ)
	$(call say,LD,$@)$(CC) $(CFLAGS) -Os $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $(MONITOR_OBJ)
	$(Q)strip -R .comment $@
	$(Q)sh musl-toolchain/sstrip.sh $@

$(OBJ)/setup/monitor_elf.o: setup/monitor_elf.S $(B)/mocker-monitor
	$(call say,AS,$<)$(CC) -DMONITOR_ELF='"$(B)/mocker-monitor"' -c -o $@ $<

$(B)/mocker: $(SETUP_OBJ) $(SECCOMP_A) $(IMAGE_LIBS)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $(SETUP_OBJ) $(SECCOMP_A) \
		$(IMAGE_LIBS)

# Each library from Debian's source, once (musl-toolchain/deplib.sh), one
# after the other: the first may add deb-src lines and run apt-get update.
$(SECCOMP_A): musl-toolchain/deplib.sh $(B)/.flags | $(TOOLCHAIN)
	$(call say,LIB,libseccomp)sh musl-toolchain/deplib.sh libseccomp $(DEPS) "$(CC)"
$(DEPS)/lib/libz.a: musl-toolchain/deplib.sh $(B)/.flags | $(TOOLCHAIN) $(SECCOMP_A)
	$(call say,LIB,zlib)sh musl-toolchain/deplib.sh zlib $(DEPS) "$(CC)"
$(DEPS)/lib/libzstd.a: musl-toolchain/deplib.sh $(B)/.flags | $(TOOLCHAIN) $(DEPS)/lib/libz.a
	$(call say,LIB,zstd)sh musl-toolchain/deplib.sh zstd $(DEPS) "$(CC)"
$(DEPS)/lib/libarchive.a: musl-toolchain/deplib.sh $(B)/.flags $(DEPS)/lib/libz.a \
		$(DEPS)/lib/libzstd.a | $(TOOLCHAIN)
	$(call say,LIB,libarchive)sh musl-toolchain/deplib.sh libarchive $(DEPS) "$(CC)"
$(DEPS)/lib/libjansson.a: musl-toolchain/deplib.sh $(B)/.flags | $(TOOLCHAIN) \
		$(DEPS)/lib/libarchive.a
	$(call say,LIB,jansson)sh musl-toolchain/deplib.sh jansson $(DEPS) "$(CC)"

# The seccomp filter for the default capabilities, compiled at build time
# by libseccomp from the policy (setup/seccomp_policy.c).
$(B)/seccomp_gen: setup/seccomp_gen.c setup/seccomp_policy.c setup/seccomp_policy.h setup/caps.h $(SECCOMP_A) $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$@)$(CC) $(BASE_CFLAGS) $(SETUP_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) \
		-o $@ setup/seccomp_gen.c setup/seccomp_policy.c $(SECCOMP_A)
$(SECCOMP_H): $(B)/seccomp_gen
	$(call say,GEN,$@)mkdir -p $(@D) && $(B)/seccomp_gen > $@.tmp && mv $@.tmp $@

# Small static programs the tests run inside images.
helpers: $(HELPERS)
$(B)/helpers/%: tests/helpers/%.c $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(CPPFLAGS) -O2 $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $<

$(B)/bench/%: bench/%.c $(B)/.flags | $(TOOLCHAIN)
	$(call say,CC,$<)mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(CPPFLAGS) -O2 $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $<

images: $(IMAGES)
$(B)/images/busybox/.stamp: images/busybox/build.sh images/busybox/files.sh $(B)/mocker-init $(wildcard images/busybox/files/*)
	$(call say,IMAGE,busybox)sh images/busybox/build.sh $(B)/mocker-init $(B)/images/busybox
$(B)/images/appliance/.stamp: images/appliance/build.sh $(B)/images/busybox/.stamp $(wildcard images/appliance/files/* images/appliance/files/services/*/*)
	$(call say,IMAGE,appliance)sh images/appliance/build.sh $(B)/images/busybox $(B)/images/appliance

# The OCI layout and archive of each image (for podman, crun, runc, ctr).
$(B)/images/busybox/.oci-stamp: images/oci.sh $(B)/images/busybox/.stamp
	$(call say,OCI,busybox)sh images/oci.sh $(B)/images/busybox mocker-busybox /bin/sh >/dev/null
$(B)/images/appliance/.oci-stamp: images/oci.sh $(B)/images/appliance/.stamp
	$(call say,OCI,appliance)sh images/oci.sh $(B)/images/appliance mocker-appliance >/dev/null

run: all $(B)/images/busybox/.stamp
	$(Q)sh images/busybox/demo-run.sh $(B)/mocker $(B)/images/busybox/rootfs

test: all helpers images
	$(Q)sh tests/run.sh $(if $(REPEAT),--repeat $(REPEAT))

# Longer runs than make test allows: 100 detached containers, 200 runs
# with -p.
soak: all helpers images
	$(Q)NET_COUNT=200 sh tests/run.sh tests/soak_lifecycle.sh tests/network_test.sh

check: all
	$(Q)sh tests/check.sh "$(CC)" "$(INIT_MAX_BYTES)"

# The OCI runtime conformance suite (opencontainers/runtime-tools), built
# under build/ from its source archive, run against mocker-runc, crun and
# runc side by side; the table goes to build/oci-validation.md.
OCI_SRC ?= ../shared/oci/runtime-tools-src.tar.gz
test-oci: all
	$(Q)if [ ! -f "$(OCI_SRC)" ]; then \
		echo "make test-oci: no $(OCI_SRC): give OCI_SRC=runtime-tools.tar.gz, a git archive of" >&2; \
		echo "  https://github.com/opencontainers/runtime-tools at e5b454202754 (docs/oci.md)" >&2; \
		exit 2; fi
	$(Q)sh -c '. tests/packages.sh && ensure_packages crun runc golang-go'
	$(Q)sh tests/oci/build.sh "$(OCI_SRC)" $(B)/runtime-tools
	$(Q)bash tests/oci/validation.sh $(B)/runtime-tools $(abspath $(B))/mocker-runc crun runc \
		> $(B)/oci-validation.md
	$(Q)cat $(B)/oci-validation.md

bench: all images $(BENCH_BIN)
	$(Q)bash bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/mocker $(B)/mocker-init $(DESTDIR)$(BINDIR)/
	ln -sf mocker $(DESTDIR)$(BINDIR)/mocker-runc
	install -m 644 docs/mocker.1 $(DESTDIR)$(MANDIR)/man1/mocker.1
	install -m 644 docs/mocker-init.8 $(DESTDIR)$(MANDIR)/man8/mocker-init.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mocker $(DESTDIR)$(BINDIR)/mocker-init $(DESTDIR)$(BINDIR)/mocker-runc \
		$(DESTDIR)$(MANDIR)/man1/mocker.1 $(DESTDIR)$(MANDIR)/man8/mocker-init.8

clean:
	rm -rf $(B)

-include $(INIT_OBJ:.o=.d) $(SETUP_OBJ:.o=.d) $(MONITOR_OBJ:.o=.d)
