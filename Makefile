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

.PHONY: build test test-deps lint lint-deps demo demo-portal static static-deps static-test assets dist \
	dist-deps deb rpm package-tools package-test supply-test sign reproducible-check bench \
	fuzz install clean

build:
	$(CARGO) build --release --locked

# cargo-deny checks licences, duplicate crates and sources by deny.toml, offline: no
# advisory database is fetched (advisories are not among the checks). Offline, it reads
# every crate of Cargo.lock for every platform from cargo's cache, which a fresh
# machine's build alone does not fill: `cargo fetch` does.
lint: lint-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	$(CARGO) fetch --locked
	$(CARGO) deny --offline --locked check licenses bans sources

lint-deps:
	command -v cargo-deny >/dev/null || $(CARGO) install --locked cargo-deny

test: lint test-deps
	$(CARGO) test --locked
	$(MAKE) package-test
	$(MAKE) supply-test

# Beyond cargo, the tests run openssl (a throwaway CA for the TLS tests), tinyproxy
# (a real CONNECT proxy), zsh and fish (the completions load), man (the manual reads)
# and systemd's systemd-analyze and systemd-tmpfiles (the packaged units verify, are
# rated, and prune).
test-deps:
	@sh scripts/need.sh openssl:openssl tinyproxy:tinyproxy zsh:zsh fish:fish man:man-db \
		groff:groff-base rpm:rpm ssh-keygen:openssh-client systemd-analyze:systemd \
		systemd-tmpfiles:systemd

demo:
	$(CARGO) build --release --locked --bin docspace-guest --example portal
	sh scripts/demo.sh $(BIN) target/release/examples/portal

# The demo portal kept running, with the two export lines to try any command by hand.
demo-portal:
	$(CARGO) build --release --locked --bin docspace-guest --example portal
	sh scripts/demo.sh --keep $(BIN) target/release/examples/portal

# Fully static binaries for any Linux: musl, +crt-static (.cargo/config.toml). cargo
# auditable embeds the list of crates compiled in (a .dep-v0 section, ~600 bytes) that
# scanners read (Trivy, Grype, Syft, osv-scanner, cargo audit bin).
static: static-deps
	for target in $(TARGETS); do \
		$(CARGO) auditable build --release --locked --target $$target \
			--config "target.$$target.rustflags=$(REMAP)" || exit 1; \
	done
	@ls -l $(foreach t,$(TARGETS),target/$(t)/release/docspace-guest)

static-deps:
	rustup target add $(TARGETS)
	@sh scripts/need.sh musl-gcc:musl-tools aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu \
		qemu-aarch64-static:qemu-user-static file:file
	command -v cargo-auditable >/dev/null || $(CARGO) install --locked cargo-auditable

# Proves them static, within budget, and running the demo flow (aarch64 under qemu).
static-test: static
	$(CARGO) build --release --locked --example portal
	sh scripts/static.sh target/release/examples/portal $(TARGETS)

# The man page and the completions, written by the binary from its flag table; for each
# target, THIRD-PARTY: the licence texts of the crates compiled in, from cargo's registry.
assets: static
	rm -rf $(ASSETS) && mkdir -p $(ASSETS)/completions
	for target in $(TARGETS); do \
		python3 scripts/crates.py third-party $$target > target/$$target/release/THIRD-PARTY || exit 1; \
	done
	$(HOST_STATIC) man > $(ASSETS)/docspace-guest.1
	gzip -9n < $(ASSETS)/docspace-guest.1 > $(ASSETS)/docspace-guest.1.gz
	$(HOST_STATIC) completions bash > $(ASSETS)/completions/docspace-guest.bash
	$(HOST_STATIC) completions zsh > $(ASSETS)/completions/_docspace-guest
	$(HOST_STATIC) completions fish > $(ASSETS)/completions/docspace-guest.fish

# dist/docspace-guest-<version>-<target>.tar.gz, a CycloneDX SBOM beside each
# (<name>.cdx.json: the crates compiled in, build-only crates left out) and SHA256SUMS.
# The archives are reproducible: sorted names, the commit's time, no owner, fixed modes,
# gzip -n; so are the SBOMs: the commit's time and a serial number from their content.
dist: assets dist-deps
	rm -rf target/dist && mkdir -p dist
	rm -f dist/docspace-guest-*.tar.gz dist/docspace-guest-*.cdx.json dist/SHA256SUMS dist/SHA256SUMS.sig
	for target in $(TARGETS); do \
		name=docspace-guest-$(VERSION)-$$target; dir=target/dist/$$name; \
		mkdir -p $$dir/completions $$dir/docs || exit 1; \
		cp target/$$target/release/docspace-guest target/$$target/release/THIRD-PARTY $$dir/ || exit 1; \
		cp $(ASSETS)/docspace-guest.1 README.md LICENSE $$dir/; \
		cp $(ASSETS)/completions/* $$dir/completions/; \
		cp docs/*.md $$dir/docs/ || exit 1; \
		tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
			--mode=u=rwX,go=rX --format=gnu -C target/dist -cf - $$name \
			| gzip -9n > dist/$$name.tar.gz || exit 1; \
		$(CARGO) cyclonedx --format json --spec-version 1.5 --target $$target --no-build-deps \
			--override-filename sbom || exit 1; \
		python3 scripts/crates.py sbom $$target sbom.json dist/$$name.cdx.json || exit 1; \
		rm -f sbom.json tests/portal/sbom.json; \
	done
	cd dist && sha256sum docspace-guest-*.tar.gz docspace-guest-*.cdx.json > SHA256SUMS && cat SHA256SUMS

dist-deps:
	command -v cargo-cyclonedx >/dev/null || $(CARGO) install --locked cargo-cyclonedx

# Signs dist/SHA256SUMS (dist/SHA256SUMS.sig) with an SSH key the release maintainer
# holds: make sign SIGNING_KEY=~/.ssh/release_ed25519. Users verify it against
# allowed_signers (README, "Supply chain").
sign:
	@test -n "$(SIGNING_KEY)" || { echo "usage: make sign SIGNING_KEY=path/to/private/key" >&2; exit 1; }
	@test -s dist/SHA256SUMS || { echo "no dist/SHA256SUMS: make dist first" >&2; exit 1; }
	@sh scripts/need.sh ssh-keygen:openssh-client
	rm -f dist/SHA256SUMS.sig
	ssh-keygen -Y sign -f "$(SIGNING_KEY)" -n file dist/SHA256SUMS

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

# dist/docspace-guest-<version>-1.{x86_64,aarch64}.rpm. cargo-generate-rpm marks files
# as documentation at most; rpm-license.py makes LICENSE and THIRD-PARTY %license files.
rpm: assets package-tools
	mkdir -p dist
	for target in $(TARGETS); do \
		$(CARGO) generate-rpm --target $$target --output dist/ || exit 1; \
		python3 scripts/rpm-license.py dist/docspace-guest-$(VERSION)-1.$${target%%-*}.rpm \
			/usr/share/licenses/docspace-guest || exit 1; \
	done

# The .deb installs, works and removes cleanly here; so does the x86_64 .rpm, into a
# scratch root; the other packages' files and metadata.
package-test: deb rpm
	sh scripts/packages.sh $(VERSION)

# What scanners read in the binaries (rust-audit-info), the SBOMs, THIRD-PARTY, and
# make sign with a throwaway key.
supply-test: dist
	command -v rust-audit-info >/dev/null || $(CARGO) install --locked rust-audit-info
	sh scripts/supply.sh $(VERSION) $(TARGETS)
	MAKE="$(MAKE)" sh scripts/sign.sh

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
	cd target/reproducible && for file in first/dist/*.tar.gz first/dist/*.cdx.json first/dist/SHA256SUMS; do \
		cmp $$file second-place/$${file#first/} || exit 1; \
	done
	@echo "reproducible: the same bytes from two directories:"; \
		cat target/reproducible/first/dist/SHA256SUMS

# Speed, memory and requests against curl and the example's Node.js version.
bench: static
	@sh scripts/need.sh curl:curl node:nodejs /usr/bin/time:time
	$(CARGO) build --release --locked --example bench
	target/release/examples/bench target/x86_64-unknown-linux-musl/release/docspace-guest \
		../shared/example/manage-guests.md

# cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP lets it pass its -Z flags).
FUZZ_SECONDS ?= 600
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz
	cd fuzz && for target in link answers lists retry_after pager record; do \
		mkdir -p corpus/$$target && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$target corpus/$$target seeds/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	done

install: build
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/docspace-guest

clean:
	$(CARGO) clean
