#!/bin/bash
# make demo: two keepalived-rs nodes in network namespaces share a virtual IP;
# the master is killed and the backup takes the address over; the master comes
# back and takes it back (preemption). A client namespace pings the VIP
# throughout. Needs root and iproute2. Everything it creates is removed on
# exit.
set -u
BIN=${KEEPALIVED_RS:-target/release/keepalived}
tag=kademo$$
SW=$tag-sw A=$tag-a B=$tag-b C=$tag-client
dir=$(mktemp -d)
VIP=10.77.0.100

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
	for n in a b; do
		[ -f "$dir/$n.pid" ] && kill "$(cat "$dir/$n.pid")" 2>/dev/null
	done
	sleep 0.5
	for ns in $A $B $C $SW; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (it creates network namespaces)." >&2
	exit 1
fi
[ -x "$BIN" ] || { echo "build first: make" >&2; exit 1; }

say "Building a segment: switch namespace with a bridge, nodes A and B, a client"
ip netns add "$SW"
ip -n "$SW" link add br0 type bridge
ip -n "$SW" link set br0 up
n=1
for ns in $A $B $C; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" link add eth0 type veth peer name "p$n" netns "$SW"
	ip -n "$SW" link set "p$n" master br0
	ip -n "$SW" link set "p$n" up
	ip -n "$ns" addr add "10.77.0.$n/24" dev eth0
	ip -n "$ns" link set eth0 up
	n=$((n + 1))
done

conf() { # name priority
	cat <<EOF
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass demo
    }
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
}
conf a 150 > "$dir/a.conf"
conf b 100 > "$dir/b.conf"

start() { # node ns
	ip netns exec "$2" "$BIN" -n -l -f "$dir/$1.conf" -p "$dir/$1.pid" -r "$dir/$1.vrrp.pid" \
		> "$dir/$1.log" 2>&1 &
	disown
	echo $! > "$dir/$1.pid"
}
# Which node carries the VIP (a crashed node's address stays on its
# interface: the kernel keeps it, so B is looked at first).
holder() {
	for n in b a; do
		ns=$A; [ $n = b ] && ns=$B
		if ip -n "$ns" -br addr show dev eth0 | grep -q "$VIP"; then echo "node ${n^^}"; return; fi
	done
	echo "nobody"
}
# Reachability without ping: a TCP connection to a closed port is refused
# at once by whoever holds the VIP; nobody answering means a timeout.
ping_vip() {
	out=$(ip netns exec "$C" timeout 2 bash -c "exec 3<>/dev/tcp/$VIP/9" 2>&1)
	case "$out" in
	*refused*) echo "client reaches $VIP (its TCP connection is answered)" ;;
	*) echo "client cannot reach $VIP" ;;
	esac
}
arp_of_vip() { ip -n "$C" neigh show "$VIP" | awk '{print $5}'; }
mac_of() { ip -n "$1" -br link show dev eth0 | awk '{print $3}'; }

say "Starting node A (priority 150) and node B (priority 100)"
start a "$A"
start b "$B"
sleep 5
echo "VIP $VIP is on: $(holder)"; ping_vip
echo "client ARP entry for the VIP: $(arp_of_vip)  (A is $(mac_of "$A"), B is $(mac_of "$B"))"

say "Killing node A with SIGKILL (a crash: no goodbye advert)"
t0=$(date +%s%N)
kill -9 "$(cat "$dir/a.pid")"; rm -f "$dir/a.pid"
while [ "$(holder)" != "node B" ]; do
	sleep 0.05
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 10000 ] && break
done
echo "VIP moved to: $(holder) after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sleep 0.5; ping_vip
echo "client ARP entry for the VIP: $(arp_of_vip)  (gratuitous ARP from B)"

say "Restarting node A: it has the higher priority and preempts"
ip -n "$A" addr del "$VIP/24" dev eth0 2>/dev/null   # what a reboot would clear
start a "$A"
sleep 5
echo "VIP $VIP is on: $(holder)"; ping_vip
echo "client ARP entry for the VIP: $(arp_of_vip)"

say "Stopping node A with SIGTERM (it sends priority 0: B takes over at once)"
t0=$(date +%s%N)
kill -TERM "$(cat "$dir/a.pid")"
while [ "$(holder)" != "node B" ]; do
	sleep 0.02
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 10000 ] && break
done
echo "VIP moved to: $(holder) after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
rm -f "$dir/a.pid"

say "Node logs"
for n in a b; do echo "--- node ${n^^}"; grep -E "Entering|received|priority" "$dir/$n.log" | tail -8; done
say "Cleaning up"
