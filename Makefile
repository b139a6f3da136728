# docspace-guest. `make demo` and `make test` are the two commands a fresh machine needs.

CARGO ?= cargo
PREFIX ?= /usr/local
BIN := target/release/docspace-guest
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
TARGETS := x86_64-unknown-linux-musl aarch64-unknown-linux-musl
HOST_STATIC := target/x86_64-unknown-linux-musl/release/docspace-guest
ASSETS := target/assets
CARGO_HOME ?= $(HOME)/.cargo
# Archives carry the time of the commit, not of the build.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1)
export SOURCE_DATE_EPOCH
# Paths of this checkout and of cargo's registry stay out of the binaries, so that
# any checkout, by any user, builds the same bytes (added to .cargo/config.toml's flags).
REMAP := ['--remap-path-prefix=$(CARGO_HOME)=/cargo', '--remap-path-prefix=$(CURDIR)=/build']

.PHONY: build test test-deps lint demo static static-deps static-test assets dist deb rpm \
	package-tools package-test reproducible-check bench fuzz install clean

build:
	$(CARGO) build --release --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

test: lint test-deps
	$(CARGO) test --locked
	$(MAKE) package-test

# Beyond cargo, the tests run openssl (a throwaway CA for the TLS tests), tinyproxy
# (a real CONNECT proxy), zsh and fish (the completions load) and man (the manual reads).
test-deps:
	@sh tests/need.sh openssl:openssl tinyproxy:tinyproxy zsh:zsh fish:fish man:man-db \
		groff:groff-base rpm:rpm

demo:
	$(CARGO) build --release --locked --bin docspace-guest --example portal
	sh tests/demo.sh $(BIN) target/release/examples/portal

# Fully static binaries for any Linux: musl, +crt-static (.cargo/config.toml).
static: static-deps
	for target in $(TARGETS); do \
		$(CARGO) build --release --locked --target $$target \
			--config "target.$$target.rustflags=$(REMAP)" || exit 1; \
	done
	@ls -l $(foreach t,$(TARGETS),target/$(t)/release/docspace-guest)

static-deps:
	rustup target add $(TARGETS)
	@sh tests/need.sh musl-gcc:musl-tools aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu \
		qemu-aarch64-static:qemu-user-static file:file

# Proves them static, within budget, and running the demo flow (aarch64 under qemu).
static-test: static
	$(CARGO) build --release --locked --example portal
	sh tests/static.sh target/release/examples/portal $(TARGETS)

# The man page and the completions, written by the binary from its flag table.
assets: static
	rm -rf $(ASSETS) && mkdir -p $(ASSETS)/completions
	$(HOST_STATIC) man > $(ASSETS)/docspace-guest.1
	gzip -9n < $(ASSETS)/docspace-guest.1 > $(ASSETS)/docspace-guest.1.gz
	$(HOST_STATIC) completions bash > $(ASSETS)/completions/docspace-guest.bash
	$(HOST_STATIC) completions zsh > $(ASSETS)/completions/_docspace-guest
	$(HOST_STATIC) completions fish > $(ASSETS)/completions/docspace-guest.fish

# dist/docspace-guest-<version>-<target>.tar.gz and SHA256SUMS. The archives are
# reproducible: sorted names, the commit's time, no owner, fixed modes, gzip -n.
dist: assets
	rm -rf dist target/dist && mkdir -p dist
	for target in $(TARGETS); do \
		name=docspace-guest-$(VERSION)-$$target; dir=target/dist/$$name; \
		mkdir -p $$dir/completions || exit 1; \
		cp target/$$target/release/docspace-guest $$dir/ || exit 1; \
		cp $(ASSETS)/docspace-guest.1 README.md LICENSE $$dir/; \
		cp $(ASSETS)/completions/* $$dir/completions/; \
		tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
			--mode=u=rwX,go=rX --format=gnu -C target/dist -cf - $$name \
			| gzip -9n > dist/$$name.tar.gz || exit 1; \
	done
	cd dist && sha256sum *.tar.gz > SHA256SUMS && cat SHA256SUMS

# cargo-deb and cargo-generate-rpm, from crates.io.
package-tools:
	command -v cargo-deb >/dev/null || $(CARGO) install --locked cargo-deb
	command -v cargo-generate-rpm >/dev/null || $(CARGO) install --locked cargo-generate-rpm

# dist/docspace-guest_<version>-1_{amd64,arm64}.deb
deb: assets package-tools
	mkdir -p dist
	for target in $(TARGETS); do \
		$(CARGO) deb --no-build --no-strip --target $$target --output dist/ || exit 1; \
	done

# dist/docspace-guest-<version>-1.{x86_64,aarch64}.rpm
rpm: assets package-tools
	mkdir -p dist
	for target in $(TARGETS); do \
		$(CARGO) generate-rpm --target $$target --output dist/ || exit 1; \
	done

# The .deb installs, works and removes cleanly here; the .rpm's files and metadata.
package-test: deb rpm
	sh tests/packages.sh $(VERSION)

# Builds this commit twice, in two directories, and compares the x86_64 binary and
# archive byte for byte.
reproducible-check:
	rm -rf target/reproducible && mkdir -p target/reproducible/first target/reproducible/second-place
	commit=$$(git rev-parse HEAD) && for dir in first second-place; do \
		git archive --format=tar $$commit | tar -x -C target/reproducible/$$dir || exit 1; \
		$(MAKE) -C target/reproducible/$$dir dist TARGETS=x86_64-unknown-linux-musl \
			SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) || exit 1; \
	done
	cmp target/reproducible/first/$(HOST_STATIC) target/reproducible/second-place/$(HOST_STATIC)
	cmp target/reproducible/first/dist/SHA256SUMS target/reproducible/second-place/dist/SHA256SUMS
	@echo "reproducible: the same bytes from two directories:"; \
		cat target/reproducible/first/dist/SHA256SUMS

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
	cd fuzz && for target in link answers lists retry_after pager; do \
		mkdir -p corpus/$$target && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$target corpus/$$target seeds/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	done

install: build
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/docspace-guest

clean:
	$(CARGO) clean
