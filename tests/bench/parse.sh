#!/bin/sh
# Parse time of a 10,000-instance configuration (generated with ~SEQ), for
# keepalived-rs and, when installed, keepalived 2.2.7.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/big.conf" <<'CONF'
$INST= \
vrrp_instance VI_${i} { \
  state BACKUP \
  interface lo \
  virtual_router_id 1 \
  priority 100 \
  advert_int 1 \
  unicast_peer { \
    192.0.2.${i} \
  } \
  virtual_ipaddress { \
    198.51.100.1/32 \
  } \
}

~SEQ(i, 1, 10000) $INST
CONF
ours=target/release/keepalived
time_it() {
	start=$(date +%s.%N)
	"$@" -t -f "$dir/big.conf" >/dev/null 2>&1 || true
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}
echo "keepalived-rs: $(time_it $ours) s"
if [ -x /usr/sbin/keepalived ]; then
	echo "keepalived:    $(time_it /usr/sbin/keepalived) s"
fi
