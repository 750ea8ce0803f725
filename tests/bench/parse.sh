#!/bin/sh
# Parse-and-check time of a 10,000-instance configuration (generated with
# ~SEQ), keepalived-rs beside keepalived 2.2.7 when it is installed. Best of
# three runs each.
set -eu
ours=${KEEPALIVED_RS:-target/release/keepalived}
theirs=${KEEPALIVED:-/usr/sbin/keepalived}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/big.conf" <<'CONF'
$INST= \
vrrp_instance VI_${h}_${v} { \
  state BACKUP \
  interface lo \
  virtual_router_id ${v} \
  priority 100 \
  advert_int 1 \
  unicast_src_ip 127.0.0.1 \
  unicast_peer { \
    10.${h}.${v}.2 \
  } \
  virtual_ipaddress { \
    10.${h}.${v}.1/32 \
  } \
}

~SEQ(h, 0, 39) ~SEQ(v, 1, 250) $INST
CONF
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
best_of_3() {
	best=""
	for _ in 1 2 3; do
		t0=$(now_ms)
		"$@" -t -f "$dir/big.conf" >/dev/null 2>&1 || true
		t=$(( $(now_ms) - t0 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best"
}
r=$(best_of_3 "$ours")
echo "keepalived-rs -t, 10000 instances: ${r} ms"
if [ -x "$theirs" ]; then
	k=$(best_of_3 "$theirs")
	echo "keepalived -t,    10000 instances: ${k} ms"
	echo "ratio keepalived / keepalived-rs: $(awk "BEGIN { printf \"%.1f\", $k / ($r > 0 ? $r : 1) }")"
fi
