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

demo:
	@echo "make demo: the VRRP engine is not implemented yet (issue #3)."
	@echo "Meanwhile, see the configuration checker at work:"
	$(CARGO) build --release
	@printf 'vrrp_instance VI_1 {\n  state MASTER\n  interface lo\n  virtual_router_idd 51\n  priority 100\n  virtual_ipaddress {\n    192.0.2.10/24\n  }\n}\n' > $(TARGET_DIR)/demo.conf
	-$(TARGET_DIR)/release/keepalived -t -f $(TARGET_DIR)/demo.conf

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
