# docspace-guest. `make demo` and `make test` are the two commands a fresh machine needs.

CARGO ?= cargo
PREFIX ?= /usr/local
BIN := target/release/docspace-guest
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
TARGETS := x86_64-unknown-linux-musl aarch64-unknown-linux-musl

.PHONY: build test test-deps lint demo static static-deps static-test dist bench fuzz install clean

build:
	$(CARGO) build --release --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

test: lint test-deps
	$(CARGO) test --locked

# Beyond cargo, the tests run openssl (a throwaway CA for the TLS tests), tinyproxy
# (a real CONNECT proxy), zsh and fish (the completions load) and man (the manual reads).
test-deps:
	@sh tests/need.sh openssl:openssl tinyproxy:tinyproxy zsh:zsh fish:fish man:man-db groff:groff-base

demo:
	$(CARGO) build --release --locked --bin docspace-guest --example portal
	sh tests/demo.sh $(BIN) target/release/examples/portal

# Fully static binaries for any Linux: musl, +crt-static (.cargo/config.toml).
static: static-deps
	for target in $(TARGETS); do $(CARGO) build --release --locked --target $$target || exit 1; done
	@ls -l $(foreach t,$(TARGETS),target/$(t)/release/docspace-guest)

static-deps:
	rustup target add $(TARGETS)
	@sh tests/need.sh musl-gcc:musl-tools aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu \
		qemu-aarch64-static:qemu-user-static file:file

# Proves them static, within budget, and running the demo flow (aarch64 under qemu).
static-test: static
	$(CARGO) build --release --locked --example portal
	sh tests/static.sh target/release/examples/portal $(TARGETS)

dist: static
	rm -rf dist && mkdir -p dist
	for target in $(TARGETS); do \
		cp target/$$target/release/docspace-guest dist/docspace-guest-$(VERSION)-$$target || exit 1; \
	done
	cd dist && sha256sum docspace-guest-* > SHA256SUMS && cat SHA256SUMS

# Speed, memory and requests against curl and the example's Node.js version.
bench: static
	@sh tests/need.sh curl:curl node:nodejs /usr/bin/time:time
	$(CARGO) build --release --locked --example bench
	target/release/examples/bench target/x86_64-unknown-linux-musl/release/docspace-guest \
		../shared/example/manage-guests.md

# cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP lets it pass its -Z flags).
FUZZ_SECONDS ?= 600
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz
	cd fuzz && for target in link answers; do \
		mkdir -p corpus/$$target && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$target corpus/$$target seeds/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	done

install: build
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/docspace-guest

clean:
	$(CARGO) clean
