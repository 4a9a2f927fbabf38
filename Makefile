# ganglion — terminal lab notebook for computational neuroscience.
# Targets: all run test asan bench fuzz install clean check-layers check-docs deps

# ---- settings --------------------------------------------------------------
VERSION  := 0.3.0
PREFIX   ?= /usr/local
BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -g
SAN      ?=
PKGS     := ncursesw readline lua5.4 gsl cairo libzip matio
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# GSL's CBLAS comes from OpenBLAS, not from libgslcblas.
PKG_LIBS   := $(filter-out -lgslcblas,$(shell pkg-config --libs $(PKGS) 2>/dev/null)) -llapacke -lopenblas -lm -lpthread
CORE_LIBS  := $(filter-out -lgslcblas,$(shell pkg-config --libs gsl libzip matio 2>/dev/null)) -llapacke -lopenblas -lm -lpthread
# The plot layer draws figures for files (savefig) with cairo.
PLOT_LIBS  := $(shell pkg-config --libs cairo 2>/dev/null)

WARN     := -Wall -Wextra -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -MMD -MP \
             -DGN_VERSION='"$(VERSION)"' -DGN_LUADIR='"$(PREFIX)/share/ganglion/lua"' \
             -Isrc $(CORE_INC) $(APP_INC) $(PKG_CFLAGS) $(CFLAGS)
# Element-wise kernels may use -ffast-math so GCC calls libmvec's vector
# tanh/exp; only files named *_simd.c get it (NaN checks live elsewhere).
# Each is built twice, for the x86-64 baseline and for AVX2+FMA;
# src/core/base/cpu.c picks one at run time, so the binary runs on any x86-64.
SIMD_FLAGS := -O3 -ffast-math
SIMD_AVX2  := -O3 -ffast-math -mavx2 -mfma -DGN_SIMD_AVX2
# The array vocabulary's element-wise loops and reductions (mat_*.c) are
# memory-bound runs that GCC 12 vectorises only at -O3; -fno-math-errno lets
# sqrt vectorise (nothing reads errno).  IEEE semantics (NaN, ±inf) unchanged.
ARRAY_OPT  := -O3 -fno-math-errno

# ---- sources per layer -----------------------------------------------------
# The core has one folder per module (base, io, models, rnn, optim,
# analysis); headers are included by name, so every folder is on the path.
CORE_DIRS := $(sort $(dir $(wildcard src/core/*/*.c src/core/*/*.h)))
CORE_INC := -Isrc/core $(patsubst %/,-I%,$(CORE_DIRS))
CORE_SRC := $(wildcard src/core/*.c src/core/*/*.c)
PLOT_SRC := $(wildcard src/plot/*.c)
# The bindings mirror the core's folders (array, models, rnn, optim,
# analysis) plus base (helpers, option reader), plot and shell (the input
# loop, sessions, batch mode); the binding layer includes its headers by name.
LUA_DIRS := $(sort $(dir $(wildcard src/lua/*/*.c src/lua/*/*.h)))
LUA_INC  := $(patsubst %/,-I%,$(LUA_DIRS))
LUA_SRC  := $(wildcard src/lua/*/*.c)
TUI_SRC  := $(wildcard src/tui/*.c)
MAIN_SRC := src/main.c

# Objects depend on a stamp holding the compile flags, so a changed VERSION,
# PREFIX, OPT or compiler rebuilds everything (a -D flag is not a file that
# make could otherwise see change).  The stamp is rewritten only when the
# flags differ from the last build's.
FLAGS_STAMP := $(BUILD)/flags.stamp
FLAGS_TEXT  := $(CC) $(CFLAGS_ALL) $(SIMD_FLAGS) $(SIMD_AVX2) $(ARRAY_OPT)
ifneq ($(file <$(FLAGS_STAMP)),$(FLAGS_TEXT))
$(shell mkdir -p $(BUILD))
$(file >$(FLAGS_STAMP),$(FLAGS_TEXT))
endif
$(FLAGS_STAMP): ;
.DEFAULT_GOAL := all

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
CORE_OBJ := $(call obj,$(CORE_SRC)) $(patsubst %_simd.c,$(BUILD)/%_simd_avx2.o,$(filter %_simd.c,$(CORE_SRC)))
PLOT_OBJ := $(call obj,$(PLOT_SRC))
APP_OBJ  := $(call obj,$(LUA_SRC) $(TUI_SRC) $(MAIN_SRC))
# Only the binding layer (and the programs above it) see its headers by name.
$(APP_OBJ): APP_INC := $(LUA_INC)
LIB      := $(BUILD)/libganglion.a
LIBPLOT  := $(BUILD)/libganglion_plot.a
BIN      := $(if $(filter build,$(BUILD)),ganglion,$(BUILD)/ganglion)

CTEST_SRC := $(wildcard tests/core/test_*.c) $(wildcard tests/plot/test_*.c)
CTEST_BIN := $(patsubst %.c,$(BUILD)/%,$(CTEST_SRC))

.PHONY: all run test asan bench fuzz install clean check-layers check-docs deps tests-bin study
all: $(BIN) tests-bin

$(BIN): $(APP_OBJ) $(LIBPLOT) $(LIB)
	@echo "  LD    $@"
	@$(CC) $(SAN) -o $@ $(APP_OBJ) $(LIBPLOT) $(LIB) $(PKG_LIBS)

$(LIB): $(CORE_OBJ)
	@echo "  AR    $@"
	@rm -f $@ && ar rcs $@ $^

$(LIBPLOT): $(PLOT_OBJ)
	@echo "  AR    $@"
	@rm -f $@ && ar rcs $@ $^ $(if $(PLOT_OBJ),,/dev/null)

$(BUILD)/%_simd.o: %_simd.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<  (simd, baseline)"
	@$(CC) $(CFLAGS_ALL) $(SIMD_FLAGS) -c -o $@ $<

$(BUILD)/%_simd_avx2.o: %_simd.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<  (simd, avx2)"
	@$(CC) $(CFLAGS_ALL) $(SIMD_AVX2) -MF $(@:.o=.d) -c -o $@ $<

$(BUILD)/src/core/array/mat_%.o: CFLAGS += $(ARRAY_OPT)

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

tests-bin: $(CTEST_BIN)
$(BUILD)/tests/core/%: tests/core/%.c $(LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  TEST  $@"
	@$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(LIB) $(CORE_LIBS)

$(BUILD)/tests/plot/%: tests/plot/%.c $(LIBPLOT) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  TEST  $@"
	@$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(LIBPLOT) $(PLOT_LIBS) $(CORE_LIBS)

# ---- user-facing targets ---------------------------------------------------
deps:
	@scripts/deps.sh build

run: deps
	@$(MAKE) --no-print-directory all
	./ganglion scripts/demo.lua

test: 
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-layers
	@$(MAKE) --no-print-directory check-docs
	@GANGLION=./$(BIN) TESTBIN=$(BUILD)/tests tests/run.sh

asan:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    GANGLION=./build/asan/ganglion TESTBIN=build/asan/tests tests/run.sh

bench: 
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh

# libFuzzer harnesses (tests/fuzz/fuzz_*.c) over the loaders, with clang,
# ASan and UBSan; each runs FUZZ_TIME seconds from the committed corpus
# (new finds go to build/fuzz/corpus_*, not into the tree).  A single
# allocation over 512 MB counts as a failure: no input may make a loader
# allocate more than its bytes back.
FUZZ_TIME ?= 60
FUZZERS   := npy rnn journal csv
fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined,fuzzer-no-link" build/fuzz/libganglion.a
	@for f in $(FUZZERS); do \
	    clang -std=c11 -D_GNU_SOURCE -O1 -g $(CORE_INC) $(PKG_CFLAGS) \
	        -fsanitize=fuzzer,address,undefined -o build/fuzz/fuzz_$$f tests/fuzz/fuzz_$$f.c \
	        build/fuzz/libganglion.a $(CORE_LIBS) || exit 1; \
	    mkdir -p build/fuzz/corpus_$$f; \
	    echo "  FUZZ  $$f ($(FUZZ_TIME) s)"; \
	    build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -timeout=10 -malloc_limit_mb=512 \
	        -rss_limit_mb=2048 -print_final_stats=1 build/fuzz/corpus_$$f tests/fuzz/corpus/$$f \
	        > build/fuzz/fuzz_$$f.log 2>&1 || { tail -40 build/fuzz/fuzz_$$f.log; exit 1; }; \
	    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build/fuzz/fuzz_$$f.log | tr '\n' ' '; echo; \
	done

check-layers:
	@bad=$$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](lua\.h|lauxlib\.h|lualib\.h|lua5|readline/|n?curses|ncursesw/)' src/core/*.[ch] src/core/*/*.[ch] src/plot/*.[ch] 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "layer violation (core/plot include Lua, readline or curses): $$bad"; exit 1; fi; \
	 bad=$$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](lua\.h|lauxlib\.h|lualib\.h|lua5)' src/tui/*.[ch] 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "layer violation (src/tui includes Lua; go through src/lua/shell/repl.h): $$bad"; exit 1; fi; \
	 bad2=$$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](readline/|n?curses|ncursesw/)' src/core/*.[ch] src/core/*/*.[ch] src/lua/*/*.[ch] src/plot/*.[ch] 2>/dev/null); \
	 if [ -n "$$bad2" ]; then echo "layer violation (curses/readline outside src/tui): $$bad2"; exit 1; fi; \
	 bad3=$$(grep -nE 'luaL_error\([^"]*"([^"%]|%[%sdfpcIU])*%[-+ #0-9.]*(z|l|h|g|e|u|x|i)' src/lua/*/*.c 2>/dev/null); \
	 if [ -n "$$bad3" ]; then echo "luaL_error knows no printf formats such as %zu or %g (use lg_errorf): $$bad3"; exit 1; fi; \
	 sh scripts/check_funcs.sh || { echo "a binding function over 80 lines: split it (read options, call the core, push results)"; exit 1; }; \
	 echo "  layers ok"

# A reference to a file that is not in the checkout (a comment citing a
# document, a path in a test or the README) fails the build of the docs.
check-docs:
	@sh scripts/check_docs.sh

# The condensation study (scripts/study.lua): its runs (per task and seed,
# per task, size and seed) as resumable slices through scripts/sweep_parallel.sh,
# side by side here (STUDY_JOBS) or as a Slurm array with SLURM=1 (waits for
# the merge job), then study/REPORT.md from the merged rows, with the wall time,
# the load and (run here) the CPU seconds of the slices (the shell's `times`).  Rerunning
# resumes; STUDY_ARGS=--quick gives the small version (study/REPORT-quick.md);
# SLURM_OPTS reach sweep_parallel.sh (e.g. "-c 1 --mem 1G --time 1:00:00");
# STUDY_OUT=study/NAME writes study/NAME.md (e.g. with STUDY_ARGS='--tasks ...').
STUDY_JOBS ?= 2
STUDY_ARGS ?=
SLURM_OPTS ?=
STUDY_OUT = study/$(if $(findstring --quick,$(STUDY_ARGS)),REPORT-quick,REPORT)
study: all
	@mkdir -p study
	@start=$$(date +%s); load=$$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); \
	scripts/sweep_parallel.sh -j $(STUDY_JOBS) -o $(STUDY_OUT).csv $(if $(SLURM),--slurm --wait $(SLURM_OPTS)) \
	    scripts/study.lua -- $(STUDY_ARGS) && \
	{ t=$$(mktemp) && times > "$$t" && cpu=$$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($$i, a, "m"); s += a[1] * 60 + a[2] } printf "%.0f", s }' "$$t"); rm -f "$$t"; } && \
	./$(BIN) -b scripts/study.lua --report $(STUDY_OUT).csv --out $(STUDY_OUT).md $(STUDY_ARGS) \
	    --wall $$(( $$(date +%s) - start )) --load "$$load" $(if $(SLURM),,$${cpu:+--cpu $$cpu}) \
	    --command "make study$(if $(filter command line,$(origin STUDY_OUT)), STUDY_OUT=$(STUDY_OUT))$(if $(SLURM), SLURM=$(SLURM))$(if $(SLURM_OPTS), SLURM_OPTS='$(SLURM_OPTS)') STUDY_JOBS=$(STUDY_JOBS)$(if $(STUDY_ARGS), STUDY_ARGS='$(STUDY_ARGS)')"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ganglion/lua $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 ganglion $(DESTDIR)$(PREFIX)/bin/ganglion
	cp -r lua/. $(DESTDIR)$(PREFIX)/share/ganglion/lua/
	install -m 644 man/ganglion.1 $(DESTDIR)$(PREFIX)/share/man/man1/ganglion.1

clean:
	rm -rf build ganglion

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
