#!/bin/sh
# Parse-and-check time of a 10,000-instance configuration (generated with
# ~SEQ), keepalived-rs beside keepalived 2.2.7 when it is installed. Best of
# three runs each.
set -eu
ours=${KEEPALIVED_RS:-target/release/keepalived}
theirs=${KEEPALIVED:-/usr/sbin/keepalived}
dir=$(mktemp -d)
ns=""
cleanup() {
	rm -rf "$dir"
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	[ -n "$ns" ] && ip netns del "$ns-peer" 2>/dev/null
	true
}
trap cleanup EXIT
# As root, run both in a namespace with an eth0, so that the instances are
# valid (keepalived refuses VRRP on lo); otherwise use lo.
ifname=lo
run=""
if [ "$(id -u)" = 0 ] && ip netns add "kabench-$$" 2>/dev/null; then
	ns=kabench-$$
	ip netns add "$ns-peer"
	ip -n "$ns" link add eth0 type veth peer name p0 netns "$ns-peer"
	ip -n "$ns" addr add 10.200.0.1/16 dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns-peer" link set p0 up
	ifname=eth0
	run="ip netns exec $ns"
fi
cat > "$dir/big.conf" <<'CONF'
$INST= \
vrrp_instance VI_${h}_${v} { \
  state BACKUP \
  interface IFNAME \
  virtual_router_id ${v} \
  priority 100 \
  advert_int 1 \
  unicast_src_ip 10.200.0.1 \
  unicast_peer { \
    10.${h}.${v}.2 \
  } \
  virtual_ipaddress { \
    10.${h}.${v}.1/32 \
  } \
}

~SEQ(h, 0, 39) ~SEQ(v, 1, 250) $INST
CONF
sed -i "s/IFNAME/$ifname/" "$dir/big.conf"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
best_of_3() {
	best=""
	for _ in 1 2 3; do
		t0=$(now_ms)
		$run "$@" -t -f "$dir/big.conf" >/dev/null 2>&1 || true
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
