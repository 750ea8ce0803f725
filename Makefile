# keepalived-rs — the only build entry point a user needs.
PREFIX        ?= /usr/local
SBINDIR       ?= $(PREFIX)/sbin
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
SYSCONFDIR    ?= /etc
CARGO         ?= cargo
TARGET_DIR    ?= target

.PHONY: all build test unit-test lint demo bench static install uninstall clean

all: build

build:
	$(CARGO) build --release

# Everything: unit tests, the corpus parity and live differential tests
# against /usr/sbin/keepalived (when installed), formatting and lints.
test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) test --release --no-fail-fast -- --test-threads=4

unit-test:
	$(CARGO) test --lib

demo: build
	bash tests/demo.sh

bench:
	$(CARGO) build --release
	sh tests/bench/parse.sh

static:
	RUSTFLAGS="-C target-feature=+crt-static" $(CARGO) build --release --target x86_64-unknown-linux-gnu
	@ls -l $(TARGET_DIR)/x86_64-unknown-linux-gnu/release/keepalived

install: build
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(TARGET_DIR)/release/keepalived $(DESTDIR)$(SBINDIR)/keepalived

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/keepalived

clean:
	$(CARGO) clean
