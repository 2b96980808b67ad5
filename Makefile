# voxsiam build, set-up and test entry points.
#
#   make setup   Debian packages, Python venv with the pinned TensorFlow wheel,
#                libtensorflow laid out for cgo, Go modules (idempotent)
#   make build   bin/voxsiam (runs without environment variables: rpath)
#   make test    setup + short fuzz runs + go test ./...
#   make demo    setup + build + synthesize, train, export, embed, cluster, report
#   make bench   setup + build + benchmarks against the Keras reference
#   make scale   setup + build + time and peak memory per stage against N (bench/scale.sh)
#   make model   setup + build + retrain the shipped default model (scripts/model.sh,
#                about 2.5 h at 10,000 steps on 2 cores (0.9 s per step at 242 speakers), plus ~20 min of data) and install it in embed/defaultmodel/
#   eval "$$(make -s env)"   exports for plain `go build ./...` / `go test ./...`

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := $(CURDIR)/.venv
TFLIB   := $(CURDIR)/.tflib
VPY     := $(VENV)/bin/python
STAMP_PY  := $(VENV)/.stamp-requirements
STAMP_APT := $(CURDIR)/.tflib/.stamp-apt
APT_PACKAGES := espeak-ng sox libsox-fmt-all flite festival \
	festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-italp16k festvox-itapc16k \
	festvox-czech-dita festvox-czech-krb festvox-czech-machac festvox-czech-ph \
	festvox-suopuhe-lj festvox-suopuhe-mv festvox-ru festvox-hi-nsk festvox-mr-nsk \
	festvox-te-nsk festvox-ca-ona-hts

export CGO_ENABLED := 1
export CGO_CFLAGS  := -I$(TFLIB)/include
export CGO_LDFLAGS := -L$(TFLIB) -l:libtensorflow_framework.so.2 -Wl,-rpath,$(TFLIB)
export LD_LIBRARY_PATH := $(TFLIB)$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
export VOXSIAM_PYTHON  := $(VPY)
export TF_CPP_MIN_LOG_LEVEL ?= 2
export PATH := $(VENV)/bin:$(PATH)

GO      ?= go
# Executions per fuzz target in `make test` (-fuzztime=Nx). A count, not a
# time box: time-boxed runs hit the Go 1.26 fuzz coordinator's deadline race
# (golang/go#75804, "context deadline exceeded" without a failing input) on
# a loaded machine. 20000 executions took 16 s (FuzzReadNpy, 5.7k execs/s)
# and 3 s (FuzzDecodeFLAC, 50k/s) of fuzzing on the 2-core machine beside a
# training run, instrumented builds excluded; the other seven were not timed.
FUZZ_EXECS ?= 20000

.PHONY: setup apt venv tflib gomod build test fuzz demo bench scale model env clean

setup: apt venv tflib gomod

apt: $(STAMP_APT)
$(STAMP_APT):
	@mkdir -p $(TFLIB)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install:" $$missing; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi
	@touch $@

# TF_PACKAGE replaces the CPU wheel, e.g. `make setup TF_PACKAGE='tensorflow[and-cuda]==2.21.0'`
# on a CUDA machine (its libtensorflow_cc carries the GPU kernels; not run here).
TF_PACKAGE ?=
venv: $(STAMP_PY)
$(STAMP_PY): requirements.txt
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements.txt
	@if [ -n "$(TF_PACKAGE)" ]; then \
	  $(VPY) -m pip uninstall -q -y tensorflow-cpu && $(VPY) -m pip install -q "$(TF_PACKAGE)"; fi
	@touch $@

# libtensorflow from the wheel: -ltensorflow resolves to libtensorflow_cc.so.2
# (it carries the C API), headers from the wheel's include/.
tflib: $(TFLIB)/libtensorflow.so
$(TFLIB)/libtensorflow.so: $(STAMP_PY)
	@mkdir -p $(TFLIB)
	@tf=$$($(VPY) -c 'import os, tensorflow as t; print(os.path.dirname(t.__file__))' 2>/dev/null); \
	test -f $$tf/libtensorflow_cc.so.2 || { echo "tensorflow wheel has no libtensorflow_cc.so.2 in $$tf" >&2; exit 1; }; \
	ln -sf $$tf/libtensorflow_cc.so.2 $(TFLIB)/libtensorflow.so; \
	ln -sf $$tf/libtensorflow_cc.so.2 $(TFLIB)/libtensorflow_cc.so.2; \
	ln -sf $$tf/libtensorflow_framework.so.2 $(TFLIB)/libtensorflow_framework.so.2; \
	ln -sfn $$tf/include $(TFLIB)/include; \
	nm -D --defined-only $(TFLIB)/libtensorflow.so | grep -q TF_AddGradientsWithPrefix || { echo "libtensorflow lacks TF_AddGradientsWithPrefix" >&2; exit 1; }

gomod:
	@$(GO) mod download

build: setup
	$(GO) build -o bin/voxsiam ./cmd/voxsiam

env:
	@echo 'export CGO_ENABLED=1'
	@echo 'export CGO_CFLAGS="$(CGO_CFLAGS)"'
	@echo 'export CGO_LDFLAGS="$(CGO_LDFLAGS)"'
	@echo 'export LD_LIBRARY_PATH="$(LD_LIBRARY_PATH)"'
	@echo 'export VOXSIAM_PYTHON="$(VPY)"'
	@echo 'export TF_CPP_MIN_LOG_LEVEL=$(TF_CPP_MIN_LOG_LEVEL)'
	@echo 'export PATH="$(VENV)/bin:$$PATH"'

# Short coverage-guided fuzz runs of every parser (seed corpora in testdata/),
# FUZZ_EXECS executions each. A run fails when the fuzzer finds a failing
# input (its path and the command that reruns it are printed) or when the
# package does not build; the fuzzer's report is printed either way.
fuzz: setup
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	grep -rl --include='*_test.go' '^func Fuzz' tools eval embed internal | sort | while read -r f; do \
	  d=./$$(dirname $$f); for fz in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$f | sed 's/^func //'); do \
	    echo "fuzz $$d $$fz ($(FUZZ_EXECS) executions)"; \
	    $(GO) test -run='^$$' -fuzz="^$$fz$$" -fuzztime=$(FUZZ_EXECS)x $$d > "$$log" 2>&1 && continue; \
	    cat "$$log"; \
	    in=$$(sed -n 's/^.*Failing input written to \(testdata\/fuzz\/[^ ]*\)$$/\1/p' "$$log" | head -1); \
	    if [ -n "$$in" ]; then \
	      echo "fuzz: $$fz found a failing input: $$d/$$in (rerun: $(GO) test -run='$$fz/'$$(basename $$in) $$d)"; \
	    else echo "fuzz: $$d $$fz failed without writing a failing input (see above)"; fi; \
	    exit 1; \
	  done; done

test: setup
	VOXSIAM_REQUIRE_EXTERNAL=1 $(MAKE) --no-print-directory fuzz
	VOXSIAM_REQUIRE_EXTERNAL=1 $(GO) test -count=1 -timeout 40m ./...

# The demo runs voxsiam at its own log level unless TF_CPP_MIN_LOG_LEVEL came
# from the environment.
demo: build
	$(if $(filter file,$(origin TF_CPP_MIN_LOG_LEVEL)),env -u TF_CPP_MIN_LOG_LEVEL) ./scripts/demo.sh

bench: build
	./bench/run.sh

scale: build
	./bench/scale.sh

model: build
	MODEL_INSTALL=1 ./scripts/model.sh

clean:
	rm -rf bin .tflib
