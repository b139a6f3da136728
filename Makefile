# docspace-guest. `make demo` and `make test` are the two commands a fresh machine needs.

CARGO ?= cargo
PREFIX ?= /usr/local
BIN := target/release/docspace-guest
MUSL := x86_64-unknown-linux-musl

.PHONY: build test lint demo static install clean

build:
	$(CARGO) build --release --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

test: lint
	$(CARGO) test --locked

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
