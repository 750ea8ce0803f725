#!/bin/bash
# Failover time, keepalived-rs beside keepalived 2.2.7, on one segment:
# a bridge joining node A (priority 150, master), node B (priority 100) and
# a client that pings the VIP every 10 ms. advert_int 1, VRRPv2.
#
# crash:    SIGKILL of A's daemon, and A's link goes down with it (a host
#           that dies answers nothing more); keepalived's VRRP child is
#           killed too (its parent is stopped first so it cannot respawn it).
# graceful: SIGTERM of A's daemon (it sends priority 0 and drops the VIP).
#
# Times in ms: from the signal until B's kernel has the VIP (ip monitor
# timestamps) and until the client's pings are answered again (the end of
# the longest gap in replies); and, free of the random phase at which the
# kill comes in the advert interval, from the last advert B heard from A
# (captured on B) until B has the VIP: the master-down interval for a crash,
# the skew time after the priority 0 advert for a graceful stop. RUNS runs
# each (default 5): median [min..max].
# Needs root and iproute2; the client column needs ping (iputils-ping), the
# last column tcpdump.
set -u
OURS=${KEEPALIVED_RS:-target/release/keepalived}
THEIRS=${KEEPALIVED:-/usr/sbin/keepalived}
RUNS=${RUNS:-5}
VIP=10.78.0.100
tag=kafo$$
SW=$tag-sw A=$tag-a B=$tag-b C=$tag-c
dir=$(mktemp -d)
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	sleep 0.3
	for ns in $A $B $C $SW; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
	echo "failover benchmark: needs root (network namespaces); skipped" >&2
	exit 0
fi
[ -x "$OURS" ] || { echo "build first: make" >&2; exit 1; }
have_ping=1
command -v ping >/dev/null || { have_ping=""; echo "no ping (iputils-ping): no client column" >&2; }
have_tcpdump=1
command -v tcpdump >/dev/null || { have_tcpdump=""; echo "no tcpdump: no last-advert column" >&2; }

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
	ip -n "$ns" addr add "10.78.0.$n/24" dev eth0
	ip -n "$ns" link set eth0 up
	n=$((n + 1))
done

conf() { # priority
	cat <<EOF
global_defs {
    router_id node$1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $1
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass bench
    }
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
}
conf 150 > "$dir/a.conf"
conf 100 > "$dir/b.conf"

now() { date +%s.%6N; }
ms_since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
has_vip() { ip -n "$1" -br addr show dev eth0 | grep -q "$VIP/"; }

start() { # impl node ns
	local bin=$OURS extra=()
	if [ "$1" = theirs ]; then
		bin=$THEIRS
		extra=(-c "$dir/$2.chk.pid" -b "$dir/$2.bfd.pid" -i "node$2")
	fi
	rm -f "$dir/$2.pid" "$dir/$2.vrrp.pid"
	ip netns exec "$3" "$bin" -n -l -f "$dir/$2.conf" -p "$dir/$2.pid" -r "$dir/$2.vrrp.pid" \
		"${extra[@]}" >> "$dir/$2.$1.log" 2>&1 &
	pids+=($!)
	echo $! > "$dir/$2.main"
}

# Stop what runs on node $1 gracefully and wait for it.
stop() {
	local p
	p=$(cat "$dir/$1.main" 2>/dev/null) || return
	kill -CONT "$p" 2>/dev/null
	kill "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$dir/$1.main"
}

crash_a() { # impl
	local p
	p=$(cat "$dir/a.main")
	if [ "$1" = theirs ]; then
		kill -STOP "$p"
		kill -9 "$(cat "$dir/a.vrrp.pid")"
	fi
	kill -9 "$p"
	ip -n "$A" link set eth0 down
}

# One run; prints "B_HAS_VIP_MS CLIENT_MS" or "fail".
one() { # impl kind
	ip -n "$A" link set eth0 up
	ip -n "$A" addr del "$VIP/24" dev eth0 2>/dev/null
	ip -n "$C" neigh flush dev eth0
	start "$1" a "$A"
	start "$1" b "$B"
	for _ in $(seq 100); do has_vip "$A" && ! has_vip "$B" && break; sleep 0.1; done
	if ! has_vip "$A" || has_vip "$B"; then echo fail; stop a; stop b; return; fi
	sleep 1.5
	ip -n "$B" -ts monitor address > "$dir/mon" 2>&1 &
	local mon=$!
	local png="" cap=""
	: > "$dir/ping"
	: > "$dir/cap"
	if [ -n "$have_tcpdump" ]; then
		ip netns exec "$B" tcpdump -i eth0 -n -tt -l -U "ip proto 112 and src 10.78.0.1" \
			> "$dir/cap" 2>/dev/null &
		cap=$!
	fi
	if [ -n "$have_ping" ]; then
		ip netns exec "$C" ping -D -n -i 0.01 "$VIP" > "$dir/ping" 2>&1 &
		png=$!
	fi
	sleep 0.5
	# A random point of the advert interval.
	sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
	local t0
	t0=$(now)
	if [ "$2" = crash ]; then crash_a "$1"; else kill -TERM "$(cat "$dir/a.main")"; fi
	for _ in $(seq 150); do has_vip "$B" && break; sleep 0.05; done
	sleep 1
	kill $png $cap "$mon" 2>/dev/null
	wait $png $cap "$mon" 2>/dev/null
	local tb tc ta=fail
	tb=$(grep -m1 "inet $VIP/" "$dir/mon" | sed -E 's/^\[([^]]*)\].*/\1/')
	if [ -n "$tb" ]; then
		tb=$(date -d "$tb" +%s.%6N)
		# A's last advert before B took the VIP.
		local last
		last=$(awk -v tb="$tb" '/ IP / && $1 + 0 < tb + 0 { t = $1 } END { print t }' "$dir/cap")
		[ -n "$last" ] && ta=$(ms_since "$last" "$tb")
		tb=$(ms_since "$t0" "$tb")
	else
		tb=fail
	fi
	# The end of the longest gap between replies after the signal.
	tc=$(awk -v t0="$t0" '/bytes from/ {
			t = substr($1, 2, length($1) - 2) + 0
			if (last != "" && t > t0 && t - last > gap) { gap = t - last; end = t }
			last = t
		}
		END { if (end) printf "%d", (end - t0) * 1000; else print "fail" }' "$dir/ping")
	echo "$tb $tc $ta"
	stop a
	stop b
}

stats() { # numbers...
	printf '%s\n' "$@" | grep -v fail | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { printf "%-26s", "no data"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
			printf "%5d [%5d..%5d]      ", m, v[1], v[NR]
		}'
}

impls=(ours)
[ -x "$THEIRS" ] && impls+=(theirs) || echo "no $THEIRS: keepalived-rs only" >&2
declare -A res
for impl in "${impls[@]}"; do
	for kind in crash graceful; do
		for r in $(seq "$RUNS"); do
			out=$(one "$impl" "$kind")
			echo "  $impl $kind run $r: $out ms" >&2
			res[$impl.$kind]+="$out;"
		done
	done
done

echo
echo "Failover, advert_int 1, priorities 150/100, $RUNS runs each; ms from the signal: median [min..max]"
printf '%-28s %-26s%-26s%s\n' "" "backup has the VIP" "client answered again" "VIP after A's last advert"
for impl in "${impls[@]}"; do
	name="keepalived-rs"
	[ "$impl" = theirs ] && name="keepalived $("$THEIRS" -v 2>&1 | head -1 | awk '{print $2}')"
	for kind in crash graceful; do
		IFS=';' read -ra runs <<< "${res[$impl.$kind]}"
		b=() c=() a=()
		for x in "${runs[@]}"; do
			read -r xb xc xa <<< "$x"
			b+=("$xb") c+=("${xc:-fail}") a+=("${xa:-fail}")
		done
		printf '%-28s %s%s%s\n' "$name $kind" "$(stats "${b[@]}")" "$(stats "${c[@]}")" "$(stats "${a[@]}")"
	done
done
