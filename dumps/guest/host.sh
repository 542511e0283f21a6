# host.sh - sourced by /init for scenario `host` only (busybox sh).
# The default scenario's sockets plus routing tables and rules, nexthop
# objects, PMTU exceptions, more devices and neighbours, qdiscs with queued
# and dropped packets, drop counters, nftables + legacy iptables rulesets and
# tracked (one NATed) flows.  Debian's iproute2, nft, conntrack and
# xtables-legacy-multi are in /usr/sbin (busybox `ip` stays first in PATH, so
# the default scenario's sections are printed by the same programs).
IP=/usr/sbin/ip
TC=/usr/sbin/tc
NFT=/usr/sbin/nft
IPT=/usr/sbin/iptables-legacy
IP6T=/usr/sbin/ip6tables-legacy
hx() { "$@" > /dev/ttyS0 2>&1 || log "host: failed: $*"; }

# ---- before the sockets: devices, routes, rules, neighbours, qdiscs, firewall
host_setup() {
  sysctl -w net.netfilter.nf_conntrack_acct=1 >/dev/null 2>&1 || log "host: no nf_conntrack_acct"
  sysctl -w net.netfilter.nf_conntrack_icmp_timeout=900 >/dev/null 2>&1
  sysctl -w net.netfilter.nf_conntrack_udp_timeout=900 >/dev/null 2>&1
  sysctl -w net.ipv4.tcp_max_syn_backlog=128 >/dev/null

  # devices: a second bridge port, a multiqueue dummy (mq root), a shaped dummy
  hx $IP link add dummy5 type dummy
  hx $IP link set dummy5 master br0
  hx $IP link set dummy5 up
  hx $IP link add dummy3 numtxqueues 4 numrxqueues 4 type dummy
  hx $IP link set dummy3 up
  hx $IP addr add 10.3.0.1/24 dev dummy3
  hx $IP link add dummy4 type dummy
  hx $IP link set dummy4 up
  hx $IP addr add 10.4.0.1/24 dev dummy4
  hx $IP -6 addr add 2001:db8:4::1/64 dev dummy4 nodad
  hx $IP link add link veth0 name veth0.20 type vlan id 20
  hx $IP link set veth0.20 up
  hx $IP addr add 10.20.0.1/24 dev veth0.20
  hx $IP addr add 10.1.0.2/24 dev dummy0          # a second address in 10.1.0.0/24 = secondary
  hx $IP -6 addr add 2001:db8:1::2/64 dev dummy0 nodad preferred_lft 0

  # qdiscs: mq with per-queue children, prio with a tbf child that queues and
  # drops, an ingress qdisc, fq_codel, netem
  hx $TC qdisc add dev dummy3 root handle 1: mq
  hx $TC qdisc add dev dummy4 root handle 1: prio
  hx $TC qdisc add dev dummy4 parent 1:2 handle 20: tbf rate 1kbit burst 10kb limit 20kb
  hx $TC qdisc add dev dummy1 root handle 1: fq_codel
  hx $TC qdisc add dev dummy2 root handle 1: netem delay 100ms limit 10
  hx $TC qdisc add dev eth0 ingress

  # routing tables 100 and 1000 (ids > 255 need RTA_TABLE), special routes
  hx $IP route add 10.50.0.0/16 via 10.1.0.254 dev dummy0 table 100
  hx $IP route add throw 10.50.5.0/24 table 100
  hx $IP route add default via 10.200.0.2 dev veth0 table 100
  hx $IP route add 10.60.0.0/16 via 10.200.0.2 dev veth0 table 1000 metric 20
  hx $IP route add prohibit 10.61.0.0/16 table 1000
  hx $IP route add prohibit 100.64.0.0/24
  hx $IP route add throw 100.64.1.0/24
  hx $IP route add 10.70.0.0/16 nexthop via 10.1.0.254 dev dummy0 weight 1 nexthop via 10.200.0.2 dev veth0 weight 3
  hx $IP route add 10.90.0.0/16 via 10.1.0.254 dev dummy0 metric 200 src 10.1.0.1 proto static
  hx $IP route add 10.91.0.0/16 dev dummy1 proto 77 scope link
  hx $IP route add 10.92.0.0/16 via 10.1.0.254 dev dummy0 mtu lock 1400 advmss 1360
  hx $IP route add 10.123.0.0/24 via 10.200.0.2 dev veth0
  hx $IP route add 10.250.0.0/16 via 10.200.0.2 dev veth0
  hx $IP route add 10.44.0.0/16 dev dummy4
  hx $IP route add 10.33.0.0/16 dev dummy3
  # nexthop objects and groups
  hx $IP nexthop add id 10 via 10.1.0.254 dev dummy0
  hx $IP nexthop add id 11 via 192.168.77.254 dev dummy1   # veth0 has no carrier yet
  hx $IP nexthop add id 12 blackhole
  hx $IP nexthop add id 20 group 10,2/11,1
  hx $IP -6 nexthop add id 30 via 2001:db8:1::fe dev dummy0
  hx $IP route add 10.80.0.0/16 nhid 10
  hx $IP route add 10.81.0.0/16 nhid 20
  hx $IP route add 10.82.0.0/16 nhid 12
  hx $IP -6 route add 2001:db8:80::/48 nhid 30
  # IPv6: gateways, numbered tables, metric/pref, unreachable/prohibit
  hx $IP -6 route add 2001:db8:100::/48 via fd00:200::2 dev veth0 table 100
  hx $IP -6 route add default via fd00:200::2 dev veth0 table 1000 metric 10
  hx $IP -6 route add 2001:db8:77::/48 dev dummy1 metric 512 pref high
  hx $IP -6 route add unreachable 2001:db8:bad::/48
  hx $IP -6 route add prohibit 2001:db8:bad:1::/64
  hx $IP -6 route add fd00:250::/64 via fd00:200::2 dev veth0 proto static
  hx $IP -6 route add 2001:db8:70::/48 nexthop via 2001:db8:1::fe dev dummy0 weight 1 nexthop via fd00:200::2 dev veth0 weight 2
  # policy rules, both families
  hx $IP rule add from 10.10.0.0/24 table 100 pref 1000
  hx $IP rule add to 10.60.0.0/16 table 1000 pref 1001
  hx $IP rule add fwmark 0x7/0xff table 100 pref 1002
  hx $IP rule add iif veth0.20 table 1000 pref 1003
  hx $IP rule add to 192.0.2.200 prohibit pref 1004
  hx $IP rule add from 172.16.5.0/24 tos 0x10 blackhole pref 1005
  hx $IP -6 rule add from fd00:77::/64 table 100 pref 1000
  hx $IP -6 rule add fwmark 7 table 1000 pref 1001
  hx $IP -6 rule add to 2001:db8:100::/48 iif dummy0 unreachable pref 1002

  # neighbours: static (several NUD states), NOARP, proxy, both families
  hx $IP neigh add 10.200.0.50 lladdr 02:00:00:00:c8:32 dev veth0 nud permanent
  hx $IP neigh add 10.200.0.51 lladdr 02:00:00:00:c8:33 dev veth0 nud stale
  hx $IP neigh add 10.200.0.52 lladdr 02:00:00:00:c8:34 dev veth0 nud reachable
  hx $IP -6 neigh add fd00:200::50 lladdr 02:00:00:00:c8:32 dev veth0 nud permanent
  hx $IP neigh add 10.1.0.201 dev dummy0 nud noarp
  hx $IP -6 neigh add 2001:db8:1::201 dev dummy0 nud noarp
  hx $IP neigh add proxy 10.200.0.77 dev veth0
  hx $IP -6 neigh add proxy fd00:200::77 dev veth0
  hx $IP neigh add 172.16.5.9 lladdr 02:00:00:00:05:09 dev br0 nud permanent

  host_firewall
  # hit the reject+log rule (counts, logs to dmesg) before any socket exists
  nc -w 1 127.0.0.1 9999 </dev/null >/dev/null 2>&1
  ping6 -c 1 -W 1 fd00:200::ff >/dev/null 2>&1   # an INCOMPLETE/FAILED v6 neighbour
}

host_firewall() {
  cat > /tmp/init.nft <<'EOF'
table inet filter {
	set blocked4 {
		type ipv4_addr
		flags interval
		elements = { 192.0.2.0/28, 198.51.100.7 }
	}
	set webports {
		type inet_service
		elements = { 8080, 8081, 8443 }
	}
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related counter accept comment "known flows"
		ip saddr @blocked4 counter drop
		iifname "lo" tcp dport @webports counter accept comment "web"
		tcp dport 9999 counter log prefix "xps-reject: " level info reject with tcp reset
		ip daddr 10.1.0.1 tcp dport 9000-9100 counter accept
		ip saddr 10.0.0.0/8 meta l4proto udp counter
		icmp type echo-request limit rate 10/second burst 5 packets counter accept
		ip6 nexthdr ipv6-icmp counter accept
		meta mark & 0x0000ff00 == 0x00000700 counter drop
	}
	chain output {
		type filter hook output priority filter; policy accept;
		meta l4proto tcp counter
		udp dport 53 counter
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname "veth0" oifname "eth0" counter accept
	}
}
table ip nat {
	chain output {
		type nat hook output priority -100; policy accept;
		ip daddr 10.123.0.1 tcp dport 80 counter dnat to 10.200.0.2:7080
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "veth0" ip daddr 10.200.0.2 tcp dport 7080 counter snat to 10.200.0.1
		oifname "eth0" ip saddr 10.10.0.0/24 counter masquerade
	}
}
table netdev edge {
	chain eth0in {
		type filter hook ingress device "eth0" priority -500; policy accept;
		counter
		ip protocol icmp counter
	}
}
EOF
  hx $NFT -f /tmp/init.nft
  # legacy iptables next to nftables: filter, nat, mangle; ip6tables filter
  hx $IPT -A INPUT -p udp --dport 5353 -m comment --comment "mdns" -j ACCEPT
  hx $IPT -A INPUT -p tcp -m multiport --dports 5432,5433 -j ACCEPT
  hx $IPT -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  hx $IPT -A OUTPUT -o lo -m limit --limit 100/sec -j ACCEPT
  hx $IPT -t nat -A POSTROUTING -s 10.20.0.0/24 -o eth0 -j MASQUERADE
  hx $IPT -t mangle -A PREROUTING -i veth0 -p tcp --dport 7999 -j MARK --set-mark 0x7
  hx $IPT -t mangle -A OUTPUT -p icmp -j ACCEPT
  hx $IP6T -A INPUT -p ipv6-icmp -j ACCEPT
  hx $IP6T -A INPUT -s fd00:200::/64 -p tcp --dport 8443 -j ACCEPT
}

# ---- after `sockmix run`: the second netns' extras, NAT flow, drops, PMTU
host_after_sockets() {
  nspid=$(pidof nsworker | tr ' ' '\n' | sort -n | head -1)
  [ -n "$nspid" ] || { log "host: no nsworker"; return; }
  N="nsenter -t $nspid -n"
  hx $N sysctl -w net.netfilter.nf_conntrack_acct=1
  hx $N sysctl -w net.netfilter.nf_conntrack_icmp_timeout=900
  hx $N $IP link add nsdummy0 type dummy
  hx $N $IP link set nsdummy0 up
  hx $N $IP addr add 10.201.0.1/24 dev nsdummy0
  hx $N $IP addr add 10.201.0.9/24 dev nsdummy0
  hx $N $IP -6 addr add fd00:201::1/64 dev nsdummy0 nodad
  hx $N $IP route add 10.202.0.0/16 via 10.201.0.254 dev nsdummy0 proto static
  hx $N $IP route add blackhole 10.203.0.0/16
  hx $N $IP route add 10.204.0.0/16 via 10.201.0.254 dev nsdummy0 table 50
  hx $N $IP rule add from 10.201.0.9 table 50 pref 500
  hx $N $IP -6 route add fd00:202::/64 via fd00:201::fe dev nsdummy0
  hx $N $IP neigh add 10.201.0.254 lladdr 02:00:00:00:c9:fe dev nsdummy0 nud permanent
  hx $N $IP -6 neigh add fd00:201::fe lladdr 02:00:00:00:c9:fe dev nsdummy0 nud permanent
  hx $N $IP neigh add proxy 10.200.0.88 dev veth1
  # no late ICMPv6 into init_net (it would land on pinger's raw ICMPv6 socket between the
  # truth and the dump): ns1 stops router solicitations, and its neighbour entry for
  # fd00:200::1 is static, so answering with toobig6 starts no NUD probe
  hx $N sysctl -w net.ipv6.conf.veth1.router_solicitations=0
  hx $N $IP -6 neigh replace fd00:200::1 lladdr "$(cat /sys/class/net/veth0/address)" dev veth1 nud permanent
  hx $N $TC qdisc add dev nsdummy0 root handle 1: pfifo limit 5
  cat > /tmp/ns1.nft <<'EOF'
table inet nsfw {
	set allowed {
		type ipv4_addr
		elements = { 10.200.0.1, 10.201.0.254 }
	}
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related counter accept
		ip saddr @allowed tcp dport { 7001, 7080 } counter accept comment "from the host"
		udp dport 7999 counter reject
	}
	chain output {
		type filter hook output priority filter; policy accept;
		ip daddr 10.202.0.0/16 counter
	}
}
EOF
  hx $N $NFT -f /tmp/ns1.nft
  hx $N $IPT -A INPUT -p tcp --dport 7002 -j ACCEPT
  # tracked flows in ns1: ICMP unreplied out of nsdummy0, UDP rejected
  $N ping -c 1 -W 1 10.202.0.9 >/dev/null 2>&1
  # host-only processes: natsrv (ns1, :7080), natcli (-> 10.123.0.1:80, DNAT+SNAT),
  # overflow (SYNs to the full 127.0.0.1:8081), cookieflood (:9100, backlog 2,
  # 8 spoofed SYNs -> syncookies), pmtuprobe (UDP v4/v6 with DF toward 10.250.0.9 / fd00:250::9),
  # udpprobe (UDP to ns1:7999, rejected there)
  /bin/sockmix extra "$nspid" > /dev/ttyS0 2>&1 || log "host: sockmix extra reported a problem"
  # learned PMTU exceptions: ICMP frag-needed / packet-too-big from ns1 quoting the probes
  hx $N /bin/sockmix toobig4 10.200.0.1 10.200.0.1 10.250.0.9 5999 9999 1300
  hx $N /bin/sockmix toobig6 fd00:200::1 fd00:200::1 fd00:250::9 5999 9999 1280
  # qdisc backlog and drops: 200 x 1000-byte UDP at the tbf (1 kbit/s) on dummy4
  hx /bin/sockmix blast 10.44.0.9 9 200 1000
  hx /bin/sockmix blast 10.33.0.9 9 20 200
  sleep 1
}

# ---- truth: extra sections per netns, then the global ones
host_truth() {
  for spec in "$@"; do
    ns=${spec%%:*}; pid=${spec#*:}
    [ -n "$pid" ] || continue
    N="nsenter -t $pid -n"
    for f in softnet_stat nf_conntrack; do
      sec net.$ns.$f cat /proc/$pid/net/$f
    done
    sec ip.$ns.link.detail $N $IP -d link show
    sec ip.$ns.link.stats $N $IP -s -s link show
    sec ip.$ns.addr.full $N $IP addr show
    sec ip.$ns.route.all $N $IP route show table all
    sec ip.$ns.route6.all $N $IP -6 route show table all
    sec ip.$ns.route.cache $N $IP route show cache
    sec ip.$ns.route6.cache $N $IP -6 route show cache
    sec ip.$ns.rule $N $IP rule show
    sec ip.$ns.rule6 $N $IP -6 rule show
    sec ip.$ns.nexthop $N $IP nexthop show
    sec ip.$ns.neigh.v4 $N $IP -4 neigh show
    sec ip.$ns.neigh.v6 $N $IP -6 neigh show
    sec ip.$ns.neigh.all $N $IP neigh show nud all
    sec ip.$ns.neigh.proxy $N $IP neigh show proxy
    sec tc.$ns.qdisc $N $TC -s qdisc show
    sec tc.$ns.class $N $TC -s class show
    sec nft.$ns.ruleset $N $NFT -a list ruleset
    sec nft.$ns.hooks $N $NFT list hooks
    sec iptables.$ns.save $N /usr/sbin/iptables-legacy-save -c
    sec ip6tables.$ns.save $N /usr/sbin/ip6tables-legacy-save -c
    sec conntrack.$ns.list $N /usr/sbin/conntrack -L -o extended
    sec conntrack.$ns.count $N cat /proc/sys/net/netfilter/nf_conntrack_count
    sec conntrack.$ns.max $N cat /proc/sys/net/netfilter/nf_conntrack_max
  done
  sec dmesg dmesg -r
  sec kmsg /bin/sockmix kmsg
}
