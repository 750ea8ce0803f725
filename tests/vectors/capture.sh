#!/bin/bash
# Capture VRRP adverts sent by the real keepalived 2.2.7, for the codec's
# known-answer tests. Needs root, iproute2, tcpdump and /usr/sbin/keepalived.
# Prints one line per case: NAME HEX-OF-IP-PACKET.
set -eu
ns=kacap-$$
peer=kacap-peer-$$
dir=$(mktemp -d)
cleanup() {
	[ -f "$dir/ka.pid" ] && kill "$(cat "$dir/ka.pid")" 2>/dev/null || true
	sleep 0.3
	ip netns del "$ns" 2>/dev/null || true
	ip netns del "$peer" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns add "$peer"
ip -n "$ns" link add eth0 type veth peer name eth0 netns "$peer"
ip -n "$ns" link set lo up
ip -n "$ns" link set eth0 up
ip -n "$peer" link set eth0 up
ip -n "$ns" addr add 10.99.0.2/24 dev eth0
ip -n "$peer" addr add 10.99.0.3/24 dev eth0
ip -n "$ns" addr add fd00:99::2/64 dev eth0 nodad
sleep 1

capture() {
	local name=$1 filter=$2 conf=$3
	printf '%s\n' "$conf" > "$dir/ka.conf"
	ip netns exec "$peer" timeout 6 tcpdump -i eth0 -c 1 -w "$dir/$name.pcap" "$filter" >/dev/null 2>&1 &
	local tcpd=$!
	sleep 0.5
	ip netns exec "$ns" /usr/sbin/keepalived -n -G -f "$dir/ka.conf" -p "$dir/ka.pid" -r "$dir/vrrp.pid" \
		-c "$dir/chk.pid" -b "$dir/bfd.pid" -i capture >/dev/null 2>&1 &
	wait "$tcpd" || true
	kill "$(cat "$dir/ka.pid")" 2>/dev/null || true
	sleep 1
	# The IP packet: skip the pcap file header (24), record header (16) and
	# Ethernet header (14).
	printf '%s %s\n' "$name" "$(od -An -v -tx1 -j 54 "$dir/$name.pcap" | tr -d ' \n')"
}

instance() {
	printf 'vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id %s\n priority %s\n advert_int 1\n%s\n}\n' "$1" "$2" "$3"
}

capture v2_pass "ip proto 112" "$(instance 51 150 ' authentication {
  auth_type PASS
  auth_pass secret
 }
 virtual_ipaddress {
  10.99.0.100/24
  10.99.0.101/24
 }')"
capture v2_ah "ip proto 51" "$(instance 52 120 ' authentication {
  auth_type AH
  auth_pass ahpass
 }
 virtual_ipaddress {
  10.99.0.102/24
 }')"
capture v3_ipv4 "ip proto 112" "$(instance 53 200 ' version 3
 virtual_ipaddress {
  10.99.0.103/24
 }')"
capture v3_ipv6 "ip6 proto 112" "$(instance 54 100 ' virtual_ipaddress {
  fd00:99::100/64
 }')"
capture v2_unicast "ip proto 112" "$(instance 55 110 ' unicast_src_ip 10.99.0.2
 unicast_peer {
  10.99.0.3
 }
 virtual_ipaddress {
  10.99.0.105/24
 }')"
capture v3_unicast "ip proto 112" "$(instance 56 110 ' version 3
 unicast_src_ip 10.99.0.2
 unicast_peer {
  10.99.0.3
 }
 virtual_ipaddress {
  10.99.0.106/24
 }')"
