# Two commands set everything up on a fresh Debian machine with Swift:
#   make demo   installs missing system packages, builds release, runs the study's method in miniature (00-demo.pg)
#   make test   installs missing system packages, runs the test suite (optimised build)
#   make install PREFIX=~/.local   builds release, copies the binary to $(PREFIX)/bin (default /usr/local);
#                the stdlib is inside the binary, so it runs from any folder
SWIFT ?= swift
APT_PACKAGES := libedit-dev libopenblas-dev pkg-config
BIN ?= .build/release/polyglot
# One set of release flags for the binary and the tests: `make test` after `make demo` (or the other way round)
# reuses the whole build instead of recompiling every package with other flags.
RELEASE := -c release -Xswiftc -enable-testing
# SwiftPM orders some compiler flags of a dependency (Hummingbird's trait defines) by hash, which Swift seeds afresh in
# every process: each `swift build` had even odds of a new command line, recompiling Hummingbird and everything above
# it. Deterministic hashing keeps the command lines, and so the build, the same from one invocation to the next.
# `swift test` also adds its own -enable-testing to every module, dependencies included, unless told not to: RELEASE
# already passes it, so `--disable-testable-imports` keeps the test build's command lines those of `make build`.
SWIFTPM := SWIFT_DETERMINISTIC_HASHING=1 $(SWIFT)
PREFIX ?= /usr/local

.PHONY: deps build demo test install docs format format-check notebooks study bench-study fuzz scale-out-check clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

build: deps
	$(SWIFTPM) build $(RELEASE)

demo: build
	$(BIN) run notebooks/00-demo.pg

test: deps format-check
	$(SWIFTPM) build $(RELEASE)
	$(SWIFTPM) test $(RELEASE) --disable-testable-imports

install: build
	install -D -m 0755 "$(BIN)" "$(DESTDIR)$(PREFIX)/bin/polyglot"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/polyglot"

# swift-format with the checked-in .swift-format (4 spaces, 120 columns): `make format` rewrites the sources,
# `make format-check` (run by `make test`) fails on any file it would change.
FORMATTED := Package.swift Sources Tests Plugins
format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMATTED)

format-check:
	@if $(SWIFT) format --version >/dev/null 2>&1; then \
	  $(SWIFT) format lint --strict --recursive --parallel $(FORMATTED) && echo "format check: every file formatted"; \
	else echo "swift format is not in this toolchain (Swift < 6): format check skipped"; fi

docs: build
	$(BIN) docs > docs/commands.md

# Long checks (minutes to an hour; the builtin bases are pre-trained on first use and cached):
#   make notebooks     replays every notebook with --check, the full-scale ones included
#   make study         re-runs the study grid (notebooks/04-study-grid.pg, three seeds, both regimes, about 1 h 45 min once the
#                      bases of its seeds are cached), rewriting docs/findings.md
#   make bench-study   seconds per tuning run, per answered benchmark, and the grid's time per seed
notebooks: build
	@for nb in notebooks/*.pg; do echo "== $$nb"; $(BIN) replay --check $$nb || exit 1; done

study: build
	$(BIN) replay notebooks/04-study-grid.pg

bench-study: build
	$(BIN) bench study

# Fuzzing (about 15 minutes on an idle 2-core machine, see docs/reliability.md): 100,000 seeded mutations of real
# inputs per input format, each target in worker processes; a crash, a hang (> 2 s) or a runaway allocation exits 1
# with a reproducer in .build/fuzz-findings.
# `make test` runs a short version (FuzzTests).
fuzz: build
	$(BIN) fuzz run --count 100000 --seed 1 --findings .build/fuzz-findings

# The study bundle run for real on this CPU (docs/scale-out.md; `.ci/run` runs it after `make test`): `plan` writes a
# 2-cell bundle for a tiny base, TRL tunes it under `accelerate launch` (its first-batch loss must equal Polyglot's
# within 1 %), then both cells under a single-node Slurm started on localhost, the tuned models answer the built-in
# benchmark through `polyglot serve`, and Polyglot loads, judges and scores them. 74 s with the release binary on the
# idle 2-core machine, once trl/accelerate (pip) and slurm-wlm/munge (apt, as root) are installed; it installs them
# when missing. It builds with `make test`'s flags, so after `make test` the binary is already there.
scale-out-check: deps
	$(SWIFTPM) build $(RELEASE)
	scripts/scale-out-check.sh $(BIN)

clean:
	rm -rf .build
