# pmapkit — top-level Makefile (GNU make, clang 14 + ld.lld 14, kconfiglib).
#
#   make menuconfig | <name>_defconfig | olddefconfig | savedefconfig
#   make [all]      guest kernel $(O)/guest/kernel.elf + host test binary
#   make run        boot the guest in QEMU, console on the terminal
#   make check      host suite only
#   make test       host suite, random run, ASan/UBSan, fuzz pass, mutants, every QEMU target
#   make bench      host and guest benchmarks
#   make help       all targets and every configs/*_defconfig
#
#   O=dir   build directory (default: build); the configuration is $(O)/.config
#   V=1     show the commands
#
# Without $(O)/.config, building targets start from configs/$(DEFCONFIG).
# Facts about a backend (compiler target, linker script, QEMU binaries and
# arguments, the pass status) live only in md/<backend>/backend.mk; the QEMU
# command line is built only in scripts/qemu-run.sh.

SHELL       := /bin/bash
.SHELLFLAGS := -o pipefail -c
MAKEFLAGS   += --no-builtin-rules --no-builtin-variables --no-print-directory
.SUFFIXES:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

O ?= build
override O := $(patsubst %/,%,$(O))
Q   := $(if $(filter 1,$(V)),,@)
# $(call msg,TAG,what): the one-line progress message of quiet builds.
msg  = $(if $(Q),@printf '  %-7s %s\n' '$(1)' '$(2)')

PYTHON     := /usr/bin/python3
DEFCONFIG  := i386_defconfig
export KCONFIG_CONFIG := $(O)/.config
KCONFIG_FILES := Kconfig mi/Kconfig $(wildcard md/*/Kconfig)
AUTOCONF_H := $(O)/include/generated/autoconf.h
AUTO_CONF  := $(O)/include/config/auto.conf
# Debian packages by group (scripts/deps.sh): what building needs, and what
# booting QEMU, gdb and plotting need on top; apt-get's output goes to deps.log.
DEPS_OK    := $(O)/.deps-build
DEPS_QEMU  := $(O)/.deps-qemu
DEPS_DEBUG := $(O)/.deps-debug
DEPS_PLOT  := $(O)/.deps-plot
DEPS_PERF  := $(O)/.deps-perf
RESULTS    := $(O)/results

# Goals that need no configuration of $(O) itself (test and bench-plot
# configure directories of their own).  Mixed with others they run one at a time.
CONFIG_GOALS := menuconfig olddefconfig savedefconfig %_defconfig help clean distclean bench-plot \
	test
BUILD_GOALS  := $(filter-out $(CONFIG_GOALS),$(or $(MAKECMDGOALS),all))

ifneq ($(and $(filter $(CONFIG_GOALS),$(MAKECMDGOALS)),$(word 2,$(MAKECMDGOALS))),)

$(MAKECMDGOALS): one-by-one ; @:
one-by-one:
	$(Q)set -e; for g in $(MAKECMDGOALS); do $(MAKE) -f $(firstword $(MAKEFILE_LIST)) $$g; done
.PHONY: one-by-one $(MAKECMDGOALS)

else # ------------------------------------------------------------------------

# A stale auto.conf is remade (and make restarts) before any goal is built,
# so a missing backend.mk is only reported by backend-check, after that.
ifneq ($(BUILD_GOALS),)
include $(AUTO_CONF)
BACKEND := $(patsubst "%",%,$(CONFIG_BACKEND))
-include md/$(BACKEND)/backend.mk
endif

# ---- sources ----------------------------------------------------------------
MI_SRCS     := $(wildcard mi/*.c)
MD_SRCS     := $(wildcard md/$(BACKEND)/*.c)
# PLAT_EXCLUDE (from backend.mk): patterns of platform files another
# build of the same platform takes instead (md/x86: *_32.* or *_64.*).
PLAT_SRCS   := $(filter-out %_host.c $(PLAT_EXCLUDE),$(wildcard md/$(GUEST_PLATFORM)/*.c md/$(GUEST_PLATFORM)/*.S))
KERN_SRCS   := $(wildcard kern/*.c)
KLIBC_SRCS  := $(wildcard kern/libc/*.c)
TEST_SRCS   := $(wildcard tests/*.c tests/cases/*.c)
THOST_SRCS  := $(wildcard tests/host/*.c)

# The library: mi/ and the backend's md/ (not its *_host.c or *_guest.c),
# nothing of kern/ or tests/.  The host MMU model (the host kit's second
# library): the backend's and its platform's *_host.c, the strict TLB and
# the model core.  The test kernel is the rest: kern/, tests/, and the
# guest platform, the backend's part of it (*_guest.c: its boot paging) and
# the freestanding libc, or the host platform (tests/host/*_host.c).
LIB_SRCS    := $(MI_SRCS) $(filter-out %_host.c %_guest.c,$(MD_SRCS))
PLAT_HOST_SRCS := $(filter %_host.c,$(wildcard md/$(GUEST_PLATFORM)/*.c))
MODEL_SRCS  := $(sort $(filter %_host.c,$(MD_SRCS)) $(PLAT_HOST_SRCS) tests/host/tlb.c \
	tests/host/model.c)
KTEST_SRCS  := $(KERN_SRCS) $(TEST_SRCS)
GUEST_SRCS  := $(sort $(KTEST_SRCS) $(PLAT_SRCS) $(KLIBC_SRCS) $(filter %_guest.c,$(MD_SRCS)))
HOST_SRCS   := $(sort $(KTEST_SRCS) $(filter %_host.c,$(THOST_SRCS)))
# The sanitizer and fuzzer builds compile everything together; the fuzzer
# has its own main().
ASAN_SRCS   := $(sort $(HOST_SRCS) $(LIB_SRCS) $(MODEL_SRCS))
FUZZ_SRCS   := $(sort $(filter-out tests/host/main_host.c,$(ASAN_SRCS)) $(wildcard tests/fuzz/*.c))

GUEST_OBJS  := $(patsubst %,$(O)/guest/%.o,$(basename $(GUEST_SRCS)))
HOST_OBJS   := $(patsubst %,$(O)/host/%.o,$(basename $(HOST_SRCS)))
LIB_OBJS    := $(patsubst %,$(O)/lib/guest/%.o,$(basename $(LIB_SRCS)))
HOSTLIB_OBJS := $(patsubst %,$(O)/lib/host/%.o,$(basename $(LIB_SRCS)))
MODEL_OBJS  := $(patsubst %,$(O)/host/%.o,$(basename $(MODEL_SRCS)))
ASAN_OBJS   := $(patsubst %,$(O)/asan/%.o,$(basename $(ASAN_SRCS)))
TSAN_OBJS   := $(patsubst %,$(O)/tsan/%.o,$(basename $(ASAN_SRCS)))
FUZZ_OBJS   := $(patsubst %,$(O)/fuzz/%.o,$(basename $(FUZZ_SRCS)))
LIB_A       := $(O)/lib/libpmapkit.a
HOSTLIB_A   := $(O)/lib/libpmapkit-host.a
MODEL_A     := $(O)/lib/libpmapkit-model.a
GUEST_ELF   := $(O)/guest/kernel.elf
HOST_BIN    := $(O)/host/pmapkit-host
ASAN_BIN    := $(O)/asan/pmapkit-host
TSAN_BIN    := $(O)/tsan/pmapkit-host
FUZZ_BIN    := $(O)/fuzz/pmapkit-fuzz

# make test: the long host random run, the bounded fuzz pass; make fuzz: its time.
RANDOM_OPS     ?= 1000000
RANDOM_SEED    ?= 0x9e3779b97f4a7c15
FUZZ_TEST_TIME ?= 15
# CPUs for `make run` / `make bench`; `make test` boots every target with each of QEMU_TEST_SMP.
QEMU_SMP       ?= 4
# Extra QEMU arguments (after the backend's own, which they do not replace)
# and the guest memory in MiB, for run, bench, debug and the test boots.
QEMU_EXTRA     ?=
QEMU_MEM_MB    ?= $(CONFIG_GUEST_MEM_MB)
# make debug: QEMU's gdbstub port; make gdb attaches to it.
GDB_PORT       ?= 1234
# gdb with the pmapkit commands (scripts/gdb/pmapkit.py, which loads the
# configured backend's decoder md/<backend>/pmap_gdb.py); GDB_ARGS adds to it.
GDB            = PMAPKIT_BACKEND=$(BACKEND) gdb-multiarch -q -nx -iex 'set pagination off' \
	-x scripts/gdb/pmapkit.py
QEMU_TEST_SMP  ?= 1 4
FUZZ_TIME      ?= 60
# make test: seconds before a host run (suite, random run, ASan suite), the
# fuzz pass, the mutation check, the configuration matrix or the runner's
# own tests is killed and counted as failed; matrix rows run at once.
HOST_TIMEOUT    ?= 600
MUTANTS_TIMEOUT ?= 1800
MATRIX_TIMEOUT  ?= 1200
RUNNER_TIMEOUT  ?= 600
MATRIX_JOBS     ?= 2
# Backends make test runs at once (each in its own O/<name>, its progress
# lines prefixed with its [i/n] name; the machines here have 2 cores).
TEST_JOBS       ?= 2
# make test runs the tests of the runner itself (tests/runner.sh) and the
# check of md/template (scripts/template-check.sh) unless no.
TEST_RUNNER     ?= yes
TEST_TEMPLATE   ?= yes
# make test copies these backends under new names and boots each copy
# (scripts/port-copy-check.sh: a platform must not know its backends; one
# per width of md/x86, and rv64 on md/riscv); empty skips it.
TEST_PORT_COPY  ?= i386-pae amd64 riscv-sv39

# ---- flags ------------------------------------------------------------------
CC := clang
LD := ld.lld
AR := llvm-ar
NM := llvm-nm
INCLUDES     = -Iinclude -Imd/$(BACKEND) -Imd/$(GUEST_PLATFORM) -Ikern -Itests -I$(O)/include
COMMON_FLAGS = -include $(AUTOCONF_H) $(INCLUDES) -MMD -MP
# The library sees only include/, its backend and platform headers and the
# configuration; no frame may exceed LIB_FRAME_LIMIT bytes (an error), so
# that kernels with small stacks can take it (docs/embedding.md).
LIB_FRAME_LIMIT ?= 512
LIB_FLAGS    = -include $(AUTOCONF_H) -Iinclude -Imd/$(BACKEND) -Imd/$(GUEST_PLATFORM) \
	-I$(O)/include -MMD -MP -Wframe-larger-than=$(LIB_FRAME_LIMIT) -Werror=frame-larger-than
GUEST_BASE_CFLAGS = $(GUEST_TARGET_CFLAGS) -std=c11 -O2 -g -ffreestanding -fno-builtin \
	-nostdlib -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-Wall -Wextra -Werror=implicit-function-declaration
GUEST_CFLAGS = $(GUEST_BASE_CFLAGS) -Ikern/libc
# EXTRA_HOST_CFLAGS is for compiling and linking, e.g. -fsanitize=address,undefined.
HOST_CFLAGS  = -std=gnu11 -O2 -gdwarf-4 -DPMAP_HOST -Wall -Wextra -Wpointer-arith $(HOST_MD_INCLUDES) \
	$(EXTRA_HOST_CFLAGS)
# AddressSanitizer + UndefinedBehaviorSanitizer build of the host suite, and the
# libFuzzer build (clang's runtimes come with libclang-rt-14-dev).
SAN_FLAGS    = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# ThreadSanitizer build: the model's CPUs are threads (tests/host/plat_host.c).
TSAN_FLAGS   = -fsanitize=thread -fno-omit-frame-pointer
FUZZ_CFLAGS  = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LDFLAGS = -fsanitize=fuzzer,address,undefined

# ---- configuration ----------------------------------------------------------
$(O)/.deps-%: scripts/deps.sh
	@mkdir -p $(@D)
	$(Q)PMAPKIT_DEPS_LOG=$(O)/deps.log scripts/deps.sh $*
	@touch $@

$(KCONFIG_CONFIG): | $(DEPS_OK)
	$(Q)$(PYTHON) -m defconfig --kconfig Kconfig configs/$(DEFCONFIG)

%_defconfig: configs/%_defconfig | $(DEPS_OK)
	$(Q)$(PYTHON) -m defconfig --kconfig Kconfig $<

# A name with no configs/<name>_defconfig: say which names there are.
%_defconfig:
	@echo "make: no configs/$@; the defconfigs are: $(patsubst configs/%_defconfig,%_defconfig,$(wildcard configs/*_defconfig))" >&2
	@exit 2

menuconfig: | $(KCONFIG_CONFIG)
	$(Q)$(PYTHON) -m menuconfig Kconfig

olddefconfig: | $(KCONFIG_CONFIG)
	$(Q)$(PYTHON) -m olddefconfig Kconfig

savedefconfig: | $(KCONFIG_CONFIG)
	$(Q)$(PYTHON) -m savedefconfig --kconfig Kconfig --out $(O)/defconfig

# autoconf.h for C, auto.conf for make (included above: make restarts on change).
$(AUTOCONF_H) $(AUTO_CONF) &: $(KCONFIG_CONFIG) $(KCONFIG_FILES) | $(DEPS_OK)
	$(call msg,GEN,$(AUTOCONF_H))
	@mkdir -p $(dir $(AUTOCONF_H)) $(dir $(AUTO_CONF))
	$(Q)$(PYTHON) -m genconfig --header-path $(AUTOCONF_H) --config-out $(AUTO_CONF) Kconfig
	@touch $(AUTOCONF_H) $(AUTO_CONF)

# ---- build ------------------------------------------------------------------
all: $(GUEST_ELF) $(HOST_BIN)

backend-check:
	$(if $(wildcard md/$(BACKEND)/backend.mk),@:,@echo 'error: backend "$(BACKEND)" has no md/$(BACKEND)/backend.mk' >&2; exit 1)

# Objects depend on $(O)/<build>/.flags, rewritten (here, while make reads
# this file) only when the flags change.
# (-MJ is in the rules, and in the flags so that objects built without it are remade.)
write_flags = $(shell mkdir -p $(O)/$(1) && [ "$$(cat $(O)/$(1)/.flags 2>/dev/null)" = '$(2)' ] || echo '$(2)' >$(O)/$(1)/.flags)
ifneq ($(BACKEND),)
$(call write_flags,guest,$(GUEST_CFLAGS) -MJ)
$(call write_flags,host,$(HOST_CFLAGS) -MJ)
$(call write_flags,lib/guest,$(GUEST_BASE_CFLAGS) $(LIB_FLAGS) -MJ)
$(call write_flags,lib/host,$(HOST_CFLAGS) $(LIB_FLAGS) -MJ)
$(call write_flags,asan,$(HOST_CFLAGS) $(SAN_FLAGS))
$(call write_flags,tsan,$(HOST_CFLAGS) $(TSAN_FLAGS))
$(call write_flags,fuzz,$(HOST_CFLAGS) $(FUZZ_CFLAGS))
# The source and build directories, for the replay commands the random
# tester prints (make -C <src> O=<build> run ...: they work from anywhere).
$(shell mkdir -p $(O)/include/generated && \
	printf '#define PMAPKIT_SRC_DIR "%s"\n#define PMAPKIT_BUILD_DIR "%s"\n' \
	'$(CURDIR)' '$(abspath $(O))' >$(O)/include/generated/build_dirs.h.new && \
	{ cmp -s $(O)/include/generated/build_dirs.h.new $(O)/include/generated/build_dirs.h || \
	mv $(O)/include/generated/build_dirs.h.new $(O)/include/generated/build_dirs.h; }; \
	rm -f $(O)/include/generated/build_dirs.h.new)
endif

$(O)/guest/%.o: %.c $(AUTOCONF_H) $(O)/guest/.flags | $(DEPS_OK) backend-check
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) $(COMMON_FLAGS) -MJ $@.json -c $< -o $@

$(O)/guest/%.o: %.S $(AUTOCONF_H) $(O)/guest/.flags | $(DEPS_OK) backend-check
	$(call msg,AS,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) $(COMMON_FLAGS) -MJ $@.json -c $< -o $@

# The test kernel links the library as any kernel would.
$(GUEST_ELF): $(GUEST_OBJS) $(LIB_A) $(GUEST_LDSCRIPT) | backend-check
	$(call msg,LD,$@)
	$(Q)$(LD) $(GUEST_LDFLAGS) -T $(GUEST_LDSCRIPT) -nostdlib -o $@ $(GUEST_OBJS) $(LIB_A)

$(O)/host/%.o: %.c $(AUTOCONF_H) $(O)/host/.flags | $(DEPS_OK) backend-check
	$(call msg,HOSTCC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(COMMON_FLAGS) -MJ $@.json -c $< -o $@

# The host libraries call each other (the pmap the model's CPU primitives,
# the model pmap_tlb_shootdown_poll): one group.
$(HOST_BIN): $(HOST_OBJS) $(HOSTLIB_A) $(MODEL_A) | backend-check
	$(call msg,HOSTLD,$@)
	$(Q)$(CC) $(EXTRA_HOST_CFLAGS) -o $@ $(HOST_OBJS) -Wl,--start-group $(HOSTLIB_A) \
		$(MODEL_A) -Wl,--end-group

# compile_commands.json for clangd and editors: every guest, host and library
# object of the configured backend, from the entries clang writes (-MJ).
# clangd finds $(O)/compile_commands.json when O is a build/ under the tree.
compile_commands.json: $(O)/compile_commands.json
$(O)/compile_commands.json: $(GUEST_OBJS) $(HOST_OBJS) $(LIB_OBJS) $(HOSTLIB_OBJS) $(MODEL_OBJS)
	$(call msg,GEN,$@)
	$(Q){ echo '['; cat $(addsuffix .json,$^) | sed '$$ s/,[[:space:]]*$$//'; echo ']'; } >$@

# ---- the library and the host kit -------------------------------------------
lib: $(LIB_A) $(HOSTLIB_A) $(MODEL_A)

$(O)/lib/guest/%.o: %.c $(AUTOCONF_H) $(O)/lib/guest/.flags | $(DEPS_OK) backend-check
	$(call msg,LIBCC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_BASE_CFLAGS) $(LIB_FLAGS) -MJ $@.json -c $< -o $@

$(O)/lib/host/%.o: %.c $(AUTOCONF_H) $(O)/lib/host/.flags | $(DEPS_OK) backend-check
	$(call msg,HOSTLIBCC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(LIB_FLAGS) -MJ $@.json -c $< -o $@

$(LIB_A): $(LIB_OBJS)
$(HOSTLIB_A): $(HOSTLIB_OBJS)
$(MODEL_A): $(MODEL_OBJS)
$(LIB_A) $(HOSTLIB_A) $(MODEL_A): | backend-check
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# make install [PREFIX=/usr/local] [DESTDIR=]: the libraries, the public
# headers (include/pmapkit), the configuration they were built with
# (pmapkit_config.h) and share/pmapkit/pmapkit.mk, a make fragment with the
# flags and libraries (docs/embedding.md says why make and not pkg-config).
PREFIX  ?= /usr/local
DESTDIR ?=
PUBLIC_HEADERS = include/pmap/pmap.h include/pmap/pmap_kern.h include/pmap/pmap_names.h \
	include/pmap/pmap_model.h
install: lib
	$(Q)scripts/install.sh "$(DESTDIR)" "$(PREFIX)" "$(BACKEND)" "$(O)" \
		"$(GUEST_TARGET_CFLAGS)" "$(PUBLIC_HEADERS)" \
		"md/$(BACKEND)/pmap_md.h $(wildcard md/$(GUEST_PLATFORM)/*_layout.h)"

$(O)/asan/%.o: %.c $(AUTOCONF_H) $(O)/asan/.flags | $(DEPS_OK) backend-check
	$(call msg,ASANCC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(COMMON_FLAGS) -c $< -o $@

$(ASAN_BIN): $(ASAN_OBJS) | backend-check
	$(call msg,ASANLD,$@)
	$(Q)$(CC) $(EXTRA_HOST_CFLAGS) $(SAN_FLAGS) -o $@ $(ASAN_OBJS)

$(O)/tsan/%.o: %.c $(AUTOCONF_H) $(O)/tsan/.flags | $(DEPS_OK) backend-check
	$(call msg,TSANCC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(TSAN_FLAGS) $(COMMON_FLAGS) -c $< -o $@

$(TSAN_BIN): $(TSAN_OBJS) | backend-check
	$(call msg,TSANLD,$@)
	$(Q)$(CC) $(EXTRA_HOST_CFLAGS) $(TSAN_FLAGS) -o $@ $(TSAN_OBJS)

$(O)/fuzz/%.o: %.c $(AUTOCONF_H) $(O)/fuzz/.flags | $(DEPS_OK) backend-check
	$(call msg,FUZZCC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(FUZZ_CFLAGS) $(COMMON_FLAGS) -c $< -o $@

$(FUZZ_BIN): $(FUZZ_OBJS) | backend-check
	$(call msg,FUZZLD,$@)
	$(Q)$(CC) $(EXTRA_HOST_CFLAGS) $(FUZZ_LDFLAGS) -o $@ $(FUZZ_OBJS)

ifneq ($(BUILD_GOALS),)
-include $(GUEST_OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(TSAN_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) \
	$(LIB_OBJS:.o=.d) $(HOSTLIB_OBJS:.o=.d) $(MODEL_OBJS:.o=.d)
endif

# ---- run and test -----------------------------------------------------------
# $(call boot,<qemu-binary>,<outfile>[,<first kernel command-line words>[,<cpus>[,<qemu args>]]])
# CONFIG_KERNEL_CMDLINE is a quoted string in auto.conf, and an unquoted one
# when given on make's command line (make run CONFIG_KERNEL_CMDLINE='random=5
# seed=7'): KERNEL_CMDLINE is its words either way, for single quotes in shell.
KERNEL_CMDLINE = $(subst ',,$(subst ",,$(CONFIG_KERNEL_CMDLINE)))
# The backend's arguments come first, QEMU_EXTRA (the user's) after them, so
# that both count; QEMU_MEM_MB is the guest memory (default CONFIG_GUEST_MEM_MB).
boot = extra='$(KERNEL_CMDLINE)'; \
	cmdline=$(if $(3),"$(3)$${extra:+ $$extra}","$$extra"); \
	QEMU_PASS_STATUS=$(QEMU_PASS_STATUS) QEMU_MEM_MB=$(QEMU_MEM_MB) \
	scripts/qemu-run.sh $(1) $(GUEST_ELF) $(2) $(QEMU_MACHINE_ARGS) $(QEMU_ARGS_$(1)) \
	-smp $(or $(4),$(QEMU_SMP)) $(5) $(QEMU_EXTRA) $${cmdline:+-append "$$cmdline"}
HOST_RESULTS = $(patsubst %,$(RESULTS)/%.ktap,build host host-cpus1 host-random host-asan host-tsan fuzz mutants matrix example icount \
	host-nodebug \
	$(if $(filter yes,$(TABLE_CALLS_CHECK)),host-table-calls))
NOCPU_RESULTS = $(patsubst %,$(RESULTS)/%-nocpu.ktap,$(QEMU_NOCPU_TARGETS))
GUEST_RESULTS = $(foreach t,$(QEMU_TEST_TARGETS),$(foreach n,$(QEMU_TEST_SMP),$(RESULTS)/$(t)-smp$(n).ktap))
TEST_RESULTS = $(HOST_RESULTS) $(GUEST_RESULTS) $(NOCPU_RESULTS) $(RESULTS)/bench.ktap \
	$(RESULTS)/compile-commands.ktap \
	$(RESULTS)/gdb.ktap
DEFCONFIGS := $(sort $(patsubst configs/%_defconfig,%,$(wildcard configs/*_defconfig)))
# $(call run_ktap,<name>,<timeout>,<command>[,-v]): one KTAP-printing run,
# its exit status recorded (scripts/run-ktap.sh); a failure does not stop make test.
run_ktap = scripts/run-ktap.sh $(4) -t $(2) $(RESULTS)/$(1).ktap $(3) || true

# make run ends with one verdict line (scripts/run-verdict.sh): PASS or FAIL with the
# counts and the time, or INTERRUPTED; its exit status says the same (README).
run: $(GUEST_ELF) | $(DEPS_QEMU)
	$(Q)$(call boot,$(QEMU_RUN),$(RESULTS)/run.log); status=$$?; \
		scripts/run-verdict.sh $(RESULTS)/run.log $$status

# make debug (or qemu-gdb): the guest stopped at its first instruction with
# QEMU's gdbstub on GDB_PORT and no time limit; make gdb, in another
# terminal, attaches with the pmapkit commands loaded (scripts/gdb/).
debug qemu-gdb: $(GUEST_ELF) | $(DEPS_QEMU)
	@echo "$(QEMU_RUN) is stopped before the first instruction, gdbstub on localhost:$(GDB_PORT)."
	@echo "Attach from another terminal with:  make$(if $(filter-out build,$(O)), O=$(O)) gdb$(if $(filter-out 1234,$(GDB_PORT)), GDB_PORT=$(GDB_PORT))"
	@echo "  (or: gdb-multiarch -x scripts/gdb/pmapkit.py $(GUEST_ELF), then target remote :$(GDB_PORT))"
	@echo "Ctrl-C here, or 'kill' in gdb, ends QEMU."
	$(Q)export QEMU_TIMEOUT=0; $(call boot,$(QEMU_RUN),$(RESULTS)/debug.log,,,-gdb tcp::$(GDB_PORT) -S); \
		status=$$?; scripts/run-verdict.sh $(RESULTS)/debug.log $$status

gdb: $(GUEST_ELF) | $(DEPS_DEBUG)
	$(Q)$(GDB) -ex 'target remote localhost:$(GDB_PORT)' $(GDB_ARGS) $(GUEST_ELF)

check: $(HOST_BIN)
	@mkdir -p $(RESULTS)
	$(Q)$(HOST_BIN) | tee $(RESULTS)/host.ktap

# make test: every backend, each from its defconfig in $(O)/<defconfig>/, then
# the runner's own tests, then one summary over every result file each
# test-backend listed in its manifest: a backend that did not configure,
# build or run counts as failed, and no file of an earlier run is read
# (results go before the defconfig, so not even a manifest survives a
# failed one).  The terminal shows one progress line per step; each
# backend's details (build, QEMU consoles, KTAP of every run) are in
# $(O)/<defconfig>/test.log and results/.  The summary (failed files, the
# subtotals, the totals with skips and time, last "N passed, N failed") is
# also kept in $(O)/test-summary.txt.
# $(call test_once,<label>,<result file>,<timeout>,<command>): one of make
# test's steps after the backends, with its progress line.
test_once = t0=$${EPOCHREALTIME//[!0-9]/}; scripts/run-ktap.sh -t $(3) $(2) $(4) 2>/dev/null; \
	scripts/step-report.sh "$(1)" $$t0 $$? $(2);
ONCE_RESULTS = $(if $(filter yes,$(TEST_RUNNER)),$(O)/runner/runner.ktap) \
	$(if $(filter yes,$(TEST_TEMPLATE)),$(O)/template.ktap) \
	$(foreach b,$(TEST_PORT_COPY),$(O)/port-copy-$(b).ktap)
test: | $(DEPS_OK) $(DEPS_QEMU) $(DEPS_DEBUG) $(DEPS_PERF)
	@rm -rf $(O)/test-summary.txt $(O)/runner $(O)/template.ktap $(O)/port-copy*
	$(Q)started=$$(date +%s); n=$(words $(DEFCONFIGS)); i=0; \
	for c in $(DEFCONFIGS); do \
		i=$$((i + 1)); label="[$$i/$$n] $$c"; \
		while [ "$$(jobs -rp | wc -l)" -ge $(TEST_JOBS) ]; do wait -n; done; \
		( rm -rf $(O)/$$c/results $(O)/$$c/test.log; mkdir -p $(O)/$$c; \
		echo "$$label: details in $(O)/$$c/test.log and $(O)/$$c/results/"; \
		t0=$${EPOCHREALTIME//[!0-9]/}; \
		{ $(MAKE) O=$(O)/$$c $${c}_defconfig && $(MAKE) O=$(O)/$$c backend-check; } \
			>>$(O)/$$c/test.log 2>&1; s=$$?; \
		if [ $$s -eq 0 ]; then \
			$(MAKE) O=$(O)/$$c test-backend TEST_LABEL="$$label" TEST_SUMMARY=no || true; \
		else \
			scripts/step-report.sh "$$label: configure" $$t0 $$s - $(O)/$$c/test.log; \
		fi ) & \
	done; \
	wait; \
	$(if $(filter yes,$(TEST_RUNNER)),$(call test_once,[runner] tests of make test itself,\
		$(O)/runner/runner.ktap,$(RUNNER_TIMEOUT),tests/runner.sh $(O)/runner/work \
		$(O)/$(firstword $(DEFCONFIGS))/host/pmapkit-host)) \
	$(if $(filter yes,$(TEST_TEMPLATE)),$(call test_once,[template] md/template builds \
		against mi/,$(O)/template.ktap,$(HOST_TIMEOUT),scripts/template-check.sh \
		$(O)/$(firstword $(DEFCONFIGS)))) \
	$(foreach b,$(TEST_PORT_COPY),$(call test_once,[port] a renamed copy of md/$(b) \
		boots,$(O)/port-copy-$(b).ktap,$(HOST_TIMEOUT),scripts/port-copy-check.sh \
		$(b) $(O)/port-copy-$(b))) \
	scripts/ktap-summary.py --quiet --started $$started \
		$(foreach c,$(DEFCONFIGS),--manifest $(O)/$(c)/results/manifest) $(ONCE_RESULTS) \
		| tee $(O)/test-summary.txt

# test-backend: the configured backend.  Old results go first, then the
# manifest (every result file this run must write), then the build (its
# own result); the runs only after a good build.  Host: the suite; RANDOM_OPS
# differential operations; the suite under ASan and UBSan; a bounded fuzz
# pass; the mutation check; the installed library and examples/host-vm
# (scripts/example-run.sh); the configuration matrix (scripts/matrix.sh).
# Then every QEMU target with each CPU count of QEMU_TEST_SMP, and the CPUs
# it must refuse.  One progress line per step (TEST_LABEL: name ... verdict);
# the output of each goes to TEST_LOG, the KTAP to $(RESULTS)/.
TEST_LABEL ?= $(BACKEND)
TEST_LOG   := $(O)/test.log
TEST_SUMMARY ?= yes
# $(call step,<name>,<shell command>[,<result file>]): run it, output to
# TEST_LOG, then its progress line.
step = t0=$${EPOCHREALTIME//[!0-9]/}; { $(2); } >>$(TEST_LOG) 2>&1; \
	scripts/step-report.sh "$(TEST_LABEL): $(1)" $$t0 $$? $(or $(3),-) $(TEST_LOG)
test-backend: | $(DEPS_OK) $(DEPS_QEMU) $(DEPS_DEBUG) $(DEPS_PERF) backend-check
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@printf '%s\n' $(notdir $(TEST_RESULTS)) >$(RESULTS)/manifest
	$(Q)t0=$${EPOCHREALTIME//[!0-9]/}; \
		if $(MAKE) test-build >>$(TEST_LOG) 2>&1; then r=ok; s=0; else r="not ok"; s=1; \
		echo "make test-backend: the $(BACKEND) build failed: nothing else runs" >>$(TEST_LOG); fi; \
		printf 'KTAP version 1\n1..1\n%s 1 build_%s\n' "$$r" "$(BACKEND)" >$(RESULTS)/build.ktap; \
		scripts/step-report.sh "$(TEST_LABEL): build" $$t0 $$s - $(TEST_LOG); \
		[ $$s -eq 0 ] || grep -m 8 -E 'error|Error' $(TEST_LOG) | sed 's/^/    /'
	$(Q)! grep -q '^ok 1 build' $(RESULTS)/build.ktap || $(MAKE) test-runs
	$(Q)$(if $(filter yes,$(TEST_SUMMARY)),scripts/ktap-summary.py --quiet --manifest $(RESULTS)/manifest)

# (test-backend's parts: the binaries, and the runs once they are built.)
test-build: $(GUEST_ELF) $(HOST_BIN) $(ASAN_BIN) $(TSAN_BIN) $(FUZZ_BIN) $(LIB_A) $(HOSTLIB_A) $(MODEL_A) \
	$(O)/compile_commands.json

test-runs:
	$(Q)$(call step,host suite,$(call run_ktap,host,$(HOST_TIMEOUT),$(HOST_BIN)),$(RESULTS)/host.ktap)
	$(Q)$(call step,host suite with cpus=1,$(call run_ktap,host-cpus1,$(HOST_TIMEOUT),$(HOST_BIN) cpus=1),$(RESULTS)/host-cpus1.ktap)
	$(Q)$(call step,random run ($(RANDOM_OPS) ops),$(call run_ktap,host-random,$(HOST_TIMEOUT),$(HOST_BIN) random=$(RANDOM_OPS) seed=$(RANDOM_SEED)),$(RESULTS)/host-random.ktap)
	$(Q)$(call step,host suite under ASan+UBSan,$(call run_ktap,host-asan,$(HOST_TIMEOUT),$(ASAN_BIN)),$(RESULTS)/host-asan.ktap)
	$(Q)$(call step,host suite under ThreadSanitizer,$(call run_ktap,host-tsan,$(HOST_TIMEOUT),env TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(TSAN_BIN)),$(RESULTS)/host-tsan.ktap)
	$(Q)$(call step,fuzz pass ($(FUZZ_TEST_TIME) s),$(call run_ktap,fuzz,$(HOST_TIMEOUT),scripts/fuzz-run.sh $(FUZZ_BIN) $(FUZZ_TEST_TIME) $(O)/fuzz/corpus),$(RESULTS)/fuzz.ktap)
	$(Q)$(call step,mutation check,$(call run_ktap,mutants,$(MUTANTS_TIMEOUT),scripts/mutants.sh $(KCONFIG_CONFIG) $(O)/mutants),$(RESULTS)/mutants.ktap)
	$(Q)$(call step,instruction counts (tests/icount-budgets),$(call run_ktap,icount,$(HOST_TIMEOUT),\
		scripts/icount-check.sh $(KCONFIG_CONFIG) $(O)/icount $(notdir $(O))),$(RESULTS)/icount.ktap)
	$(Q)$(call step,host suite without CONFIG_PMAP_DEBUG,$(call run_ktap,host-nodebug,$(HOST_TIMEOUT),\
		$(O)/icount/host/pmapkit-host),$(RESULTS)/host-nodebug.ktap)
	$(Q)$(if $(filter yes,$(TABLE_CALLS_CHECK)),$(call step,host suite with tables through table(),\
		$(call run_ktap,host-table-calls,$(HOST_TIMEOUT),scripts/table-calls-check.sh $(KCONFIG_CONFIG) \
		$(O)/table-calls),$(RESULTS)/host-table-calls.ktap))
	$(Q)$(call step,library + examples/host-vm,$(call run_ktap,example,$(HOST_TIMEOUT),scripts/example-run.sh $(O) $(O)/example),$(RESULTS)/example.ktap)
	$(Q)$(call step,memory/CPU matrix,$(call run_ktap,matrix,$(MATRIX_TIMEOUT),scripts/matrix.sh --kernel $(GUEST_ELF) \
		--host $(HOST_BIN) --pass $(QEMU_PASS_STATUS) --nocpu $(QEMU_NOCPU_STATUS) \
		--machine "$(QEMU_MACHINE_ARGS)" --jobs $(MATRIX_JOBS) \
		$(foreach t,$(QEMU_TEST_TARGETS),--target-args "$(t)=$(QEMU_ARGS_$(t))") \
		$(RESULTS)/matrix $(MATRIX_FILES)),$(RESULTS)/matrix.ktap)
	$(Q)$(foreach t,$(QEMU_TEST_TARGETS),$(foreach n,$(QEMU_TEST_SMP),\
		$(call step,$(t) -smp $(n),$(call boot,$(t),$(RESULTS)/$(t)-smp$(n).ktap,,$(n)),$(RESULTS)/$(t)-smp$(n).ktap);))
	$(Q)$(foreach t,$(QEMU_NOCPU_TARGETS),$(call step,$(t) refuses its default CPU,scripts/qemu-nocpu.sh $(t) $(GUEST_ELF) \
		"$(QEMU_NOCPU_MESSAGE)" $(QEMU_NOCPU_STATUS) $(QEMU_MACHINE_ARGS) \
		>$(RESULTS)/$(t)-nocpu.ktap,$(RESULTS)/$(t)-nocpu.ktap);)
	$(Q)$(call step,bench tables,$(call run_ktap,bench,$(HOST_TIMEOUT),sh -c '$(HOST_BIN) bench \
		>$(RESULTS)/bench-host.log 2>&1 && scripts/bench-plot.py --check $(RESULTS)/bench-host.log'),\
		$(RESULTS)/bench.ktap)
	$(Q)$(call step,compile_commands.json,$(call run_ktap,compile-commands,$(HOST_TIMEOUT),\
		scripts/compile-commands-check.py $(O)/compile_commands.json $(O) $(sort $(GUEST_SRCS) \
		$(HOST_SRCS) $(LIB_SRCS) $(MODEL_SRCS))),$(RESULTS)/compile-commands.ktap)
	$(Q)$(call step,gdb commands on a stopped guest,$(call run_ktap,gdb,$(HOST_TIMEOUT),scripts/gdb-test.sh $(O)),$(RESULTS)/gdb.ktap)

fuzz: $(FUZZ_BIN)
	$(Q)scripts/fuzz-run.sh $(FUZZ_BIN) $(FUZZ_TIME) $(O)/fuzz/corpus

# make bench: the configured backend built again in $(O)/bench with
# CONFIG_PMAP_DEBUG off (its checks distort the numbers), the host bench
# (times) and the guest bench (counts).  make bench-plot: the host bench of
# every configs/*_defconfig, each built the same way in $(O)/bench/<name>,
# drawn by scripts/bench-plot.py into $(BENCH_PLOT) (.svg or .png).
BENCH_PLOT ?= $(O)/bench/bench.svg
bench: | $(DEPS_QEMU) $(DEPS_PERF) $(KCONFIG_CONFIG)
	$(Q)scripts/bench-config.sh $(KCONFIG_CONFIG) $(O)/bench
	$(Q)$(MAKE) O=$(O)/bench bench-here

# The locks' uncontended cost: callgrind of a run on one CPU (scripts/lock-cost.py).
LOCK_COST_CASES = t_range_across_tables,t_page_protect_three_pmaps,t_modref_by_access
bench-here: $(GUEST_ELF) $(HOST_BIN)
	@mkdir -p $(RESULTS)
	$(Q)$(HOST_BIN) bench | tee $(RESULTS)/bench-host.log
	$(Q)valgrind -q --tool=callgrind --callgrind-out-file=$(RESULTS)/lock-cost.callgrind \
		$(HOST_BIN) cpus=1 only=$(LOCK_COST_CASES) >/dev/null && \
		{ echo "# Lock cost, uncontended (callgrind, cpus=1, only=$(LOCK_COST_CASES)):"; \
		scripts/lock-cost.py $(RESULTS)/lock-cost.callgrind; } | tee -a $(RESULTS)/bench-host.log
	$(Q)scripts/icount.py $(HOST_BIN) $(RESULTS)/icount | tee -a $(RESULTS)/bench-host.log
	$(Q)$(call boot,$(QEMU_RUN),$(RESULTS)/bench-guest.log,bench)

bench-plot: | $(DEPS_PLOT)
	$(Q)for c in $(DEFCONFIGS); do \
		scripts/bench-config.sh configs/$${c}_defconfig $(O)/bench/$$c && \
		$(MAKE) O=$(O)/bench/$$c $(O)/bench/$$c/host/pmapkit-host && \
		mkdir -p $(O)/bench/$$c/results && \
		$(O)/bench/$$c/host/pmapkit-host bench >$(O)/bench/$$c/results/bench-host.log || exit 1; \
		echo "  BENCH   $$c: $(O)/bench/$$c/results/bench-host.log"; \
	done
	$(Q)$(PYTHON) scripts/bench-plot.py $(BENCH_PLOT) $(foreach c,$(DEFCONFIGS),$(c)=$(O)/bench/$(c)/results/bench-host.log)

# ---- housekeeping -----------------------------------------------------------
# Neither may run in the source tree (O=.): clean removes only what the
# build made ($(O)/include/generated, not the tracked include/), distclean all of $(O).
not_src_tree = @if [ -e $(O)/Kconfig ] || [ "$$(realpath -m $(O))" = "$$(realpath .)" ]; then \
	echo "make $@: O=$(O) is the source tree: refusing (build in a directory of its own, such as the default O=build)" >&2; \
	exit 2; fi
clean:
	$(not_src_tree)
	$(Q)rm -rf $(O)/guest $(O)/host $(O)/lib $(O)/asan $(O)/tsan $(O)/fuzz $(O)/mutants $(O)/results \
		$(O)/include/generated $(O)/include/config $(O)/example $(O)/bench $(O)/runner \
		$(O)/test-summary.txt $(O)/compile_commands.json $(O)/template.ktap \
		$(O)/port-copy*

distclean:
	$(not_src_tree)
	$(Q)rm -rf $(O)

help:
	@echo 'Configuration ($(O)/.config):'
	@echo '  menuconfig        edit it in a terminal menu'
	@echo '  <name>_defconfig  start from configs/<name>_defconfig, one of:'
	@$(foreach f,$(sort $(notdir $(wildcard configs/*_defconfig))),echo '                      $(f)';)
	@echo '  olddefconfig      update it to the current Kconfig (new symbols at defaults)'
	@echo '  savedefconfig     write its minimal form to $(O)/defconfig'
	@echo 'Build and run (without $(O)/.config, first configure from configs/$(DEFCONFIG)):'
	@echo '  all               guest $(O)/guest/kernel.elf and host $(O)/host/pmapkit-host (default)'
	@echo '  run               boot the guest in QEMU, console on this terminal'
	@echo '  check             host tests only (KTAP, also saved in $(RESULTS)/host.ktap)'
	@echo '  test              every backend (configs/*_defconfig, each in $(O)/<name>):'
	@echo '                    test-backend for each; ends "N passed, N failed"'
	@echo '  test-backend      the configured backend: host suite, $(RANDOM_OPS) random ops,'
	@echo '                    ASan/UBSan suite, fuzz pass, mutation check, installed-library example,'
	@echo '                    memory/CPU matrix, every QEMU target, the gdb commands;'
	@echo '                    one progress line per step, details in $(O)/test.log'
	@echo '  fuzz              libFuzzer over decoded operation sequences for FUZZ_TIME seconds'
	@echo '  bench             host and guest benchmarks, built without CONFIG_PMAP_DEBUG in $(O)/bench'
	@echo '  bench-plot        every defconfig'"'"'s host bench as a chart: $(O)/bench/bench.svg'
	@echo '                    (BENCH_PLOT=file.svg|.png)'
	@echo '  debug, qemu-gdb   boot the guest stopped, QEMU'"'"'s gdbstub on localhost:$(GDB_PORT)'
	@echo '  gdb               attach gdb-multiarch with pmap-walk, pmap-dump, pmap-pv (docs/tools.md)'
	@echo '  compile_commands.json  $(O)/compile_commands.json for clangd and editors'
	@echo '  lib               $(O)/lib/libpmapkit.a (the configured backend), and the host kit:'
	@echo '                    libpmapkit-host.a, libpmapkit-model.a'
	@echo '  install           lib, headers and share/pmapkit/pmapkit.mk under DESTDIR/PREFIX'
	@echo '                    (PREFIX=/usr/local); docs/embedding.md'
	@echo 'Cleaning:'
	@echo '  clean             remove objects, binaries and results; keep the configuration'
	@echo '  distclean         remove $(O) entirely'
	@echo 'Variables:'
	@echo '  O=dir             build directory (default: build)'
	@echo '  V=1               show the commands'
	@echo '  EXTRA_HOST_CFLAGS host compile and link flags, e.g. -fsanitize=address,undefined'
	@echo '  QEMU_EXTRA=args   extra QEMU arguments, after the backend'"'"'s own'
	@echo '  QEMU_MEM_MB=n     guest memory in MiB (default CONFIG_GUEST_MEM_MB)'
	@echo '  QEMU_SMP=n        CPUs for run, bench and debug (default 4)'
	@echo '  CONFIG_KERNEL_CMDLINE=words  the test kernel'"'"'s command line for this run'
	@echo '  GDB_PORT=n GDB_ARGS=args  make debug/gdb: the gdbstub port (1234), more gdb arguments'
	@echo '  QEMU_TIMEOUT=s    seconds per QEMU boot before it is killed (default 300)'
	@echo '  HOST_TIMEOUT=s MUTANTS_TIMEOUT=s MATRIX_TIMEOUT=s RUNNER_TIMEOUT=s'
	@echo '                    the same for host runs and the fuzz pass (600), the mutation'
	@echo '                    check (1800), the memory/CPU matrix (1200), the runner tests (600)'
	@echo '  TEST_JOBS=n       backends make test runs at once (default 2)'
	@echo '  MATRIX_JOBS=n     matrix rows run at once (default 2); TEST_RUNNER=no skips the'
	@echo '                    runner tests in make test'
	@echo '  RANDOM_OPS=n RANDOM_SEED=s  the long host random run of make test'
	@echo '  FUZZ_TIME=s       make fuzz duration (default 60); FUZZ_TEST_TIME=s in make test (15)'

.PHONY: backend-check all run debug qemu-gdb gdb check bench-here bench-plot test test-backend test-build test-runs fuzz bench clean distclean help menuconfig olddefconfig savedefconfig lib install compile_commands.json

endif
