# Two commands set everything up on a fresh Debian machine with Swift:
#   make demo   installs missing system packages, builds release, runs the demo notebook
#   make test   installs missing system packages, runs the test suite (optimised build)
SWIFT ?= swift
APT_PACKAGES := libedit-dev libopenblas-dev pkg-config
BIN := .build/release/polyglot

.PHONY: deps build demo test docs check-long clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)"; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build -c release

demo: build
	$(BIN) run notebooks/00-tour.pg

test: deps
	$(SWIFT) build -c release -Xswiftc -enable-testing
	$(SWIFT) test -c release -Xswiftc -enable-testing

docs: build
	$(BIN) docs > docs/commands.md

clean:
	rm -rf .build
