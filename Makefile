# docspace-guest. `make demo` and `make test` are the two commands a fresh machine needs.

CARGO ?= cargo
PREFIX ?= /usr/local
BIN := target/release/docspace-guest
MUSL := x86_64-unknown-linux-musl

.PHONY: build test test-deps lint demo static install clean

build:
	$(CARGO) build --release --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

test: lint test-deps
	$(CARGO) test --locked

# Beyond cargo, the tests run openssl (a throwaway CA for the TLS tests) and tinyproxy
# (a real CONNECT proxy). Installed here when missing and we may; else named.
test-deps:
	@missing=""; \
	for tool in openssl tinyproxy; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "make test needs:$$missing (Debian/Ubuntu: sudo apt-get install$$missing)" >&2; exit 1; \
	fi

demo:
	$(CARGO) build --release --locked --bin docspace-guest --example portal
	sh tests/demo.sh $(BIN) target/release/examples/portal

static:
	rustup target add $(MUSL)
	@command -v musl-gcc >/dev/null || { echo "static: needs musl-gcc: apt-get install musl-tools" >&2; exit 1; }
	$(CARGO) build --release --locked --target $(MUSL)
	@ls -l target/$(MUSL)/release/docspace-guest

install: build
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/docspace-guest

clean:
	$(CARGO) clean
