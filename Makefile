# keepalived-rs — the only build entry point a user needs.
PREFIX        ?= /usr/local
SBINDIR       ?= $(PREFIX)/sbin
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
SYSCONFDIR    ?= /etc
CARGO         ?= cargo
TARGET_DIR    ?= target

.PHONY: all build test unit-test lint demo bench static install install-files uninstall clean

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
	bash tests/bench/failover.sh

static:
	RUSTFLAGS="-C target-feature=+crt-static" $(CARGO) build --release --target x86_64-unknown-linux-gnu
	@ls -l $(TARGET_DIR)/x86_64-unknown-linux-gnu/release/keepalived

SYSTEMDUNITDIR ?= /lib/systemd/system
CONFDIR       := $(DESTDIR)$(SYSCONFDIR)/keepalived
INSTALLED      = $(DESTDIR)$(SBINDIR)/keepalived $(DESTDIR)$(BINDIR)/genhash \
                 $(DESTDIR)$(MANDIR)/man8/keepalived.8 $(DESTDIR)$(MANDIR)/man5/keepalived.conf.5 \
                 $(DESTDIR)$(MANDIR)/man1/genhash.1 $(DESTDIR)$(SYSTEMDUNITDIR)/keepalived.service \
                 $(CONFDIR)/keepalived.conf.sample \
                 $(CONFDIR)/samples/unicast.conf $(CONFDIR)/samples/track_script.conf \
                 $(CONFDIR)/samples/lvs.conf

# Installs the daemon, genhash (a link: keepalived acts as genhash when
# called by that name), the man pages, the systemd unit and the samples.
# An existing keepalived.conf and /etc/default/keepalived are never touched.
install: build install-files

# The files only (KEEPALIVED_BIN says which binary), for tests and packagers.
KEEPALIVED_BIN ?= $(TARGET_DIR)/release/keepalived
install-files:
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(CONFDIR)/samples $(DESTDIR)$(SYSCONFDIR)/default
	install -m 0755 $(KEEPALIVED_BIN) $(DESTDIR)$(SBINDIR)/keepalived
	ln -sf $(SBINDIR)/keepalived $(DESTDIR)$(BINDIR)/genhash
	install -m 0644 man/keepalived.8 $(DESTDIR)$(MANDIR)/man8/keepalived.8
	install -m 0644 man/keepalived.conf.5 $(DESTDIR)$(MANDIR)/man5/keepalived.conf.5
	install -m 0644 man/genhash.1 $(DESTDIR)$(MANDIR)/man1/genhash.1
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		src/dist/keepalived.service > $(DESTDIR)$(SYSTEMDUNITDIR)/keepalived.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/keepalived.service
	install -m 0644 src/dist/keepalived.conf.sample $(CONFDIR)/keepalived.conf.sample
	install -m 0644 src/dist/samples/*.conf $(CONFDIR)/samples/
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/keepalived ] || \
		install -m 0644 src/dist/default.keepalived $(DESTDIR)$(SYSCONFDIR)/default/keepalived

# Removes exactly what install created; /etc/default/keepalived only when
# it was not edited, and never keepalived.conf.
uninstall:
	rm -f $(INSTALLED)
	-cmp -s src/dist/default.keepalived $(DESTDIR)$(SYSCONFDIR)/default/keepalived && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/default/keepalived
	-rmdir $(CONFDIR)/samples $(CONFDIR) 2>/dev/null

clean:
	$(CARGO) clean
