#!/bin/sh
# /init of the fixture guest (busybox sh).  Sets up interfaces, routes,
# neighbours and sysctls, runs sockmix, prints the ground truth to ttyS1
# between markers, then idles until the host dumps memory.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /run /tmp
log() { echo "init: $*" > /dev/ttyS0; }

scenario=default
kallsyms=0
for a in $(cat /proc/cmdline); do
  case $a in
    xps.scenario=*) scenario=${a#xps.scenario=} ;;
    xps.kallsyms=1) kallsyms=1 ;;
    xps.pairs=*) export XPS_PAIRS=${a#xps.pairs=} ;;
  esac
done

for m in $(cat /modules.order); do
  insmod /lib/modules/$m 2>/dev/null || log "insmod $m failed"
done

hostname "xportshow-$(uname -r | cut -d. -f1-2)"

# ---- interfaces and addresses
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  ip addr add 10.0.2.15/24 dev eth0
  ip route add default via 10.0.2.2 dev eth0
fi
ip link add dummy0 type dummy
ip link set dummy0 up
ip addr add 10.1.0.1/24 dev dummy0
ip addr add 2001:db8:1::1/64 dev dummy0
ip link add dummy1 type dummy
ip link set dummy1 mtu 9000
ip link set dummy1 up
ip addr add 192.168.77.1/24 dev dummy1
ip addr add 192.168.77.2/24 dev dummy1
ip addr add fd00:77::1/64 dev dummy1
ip link add link dummy0 name dummy0.10 type vlan id 10 && {
  ip link set dummy0.10 up; ip addr add 10.10.0.1/24 dev dummy0.10; } || log "vlan failed"
ip link add br0 type bridge && ip link add dummy2 type dummy && {
  ip link set dummy2 master br0; ip link set dummy2 up; ip link set br0 up
  ip addr add 172.16.5.1/24 dev br0; } || log "bridge failed"
/bin/sockmix veth veth0 veth1 || log "veth failed"
ip link set veth0 up
ip addr add 10.200.0.1/24 dev veth0
ip addr add fd00:200::1/64 dev veth0
# scenario vxlan: tunnel devices whose kernel UDP sockets (no file, inode 0)
# carry sk_user_data (struct vxlan_sock / geneve_sock, encap_rcv set)
if [ "$scenario" = vxlan ]; then
  /bin/sockmix vxlan vxlan42 42 4789 dummy0 10.1.0.1 && /bin/sockmix up vxlan42 || log "vxlan failed"
  /bin/sockmix geneve geneve7 7 6081 10.1.0.2 && /bin/sockmix up geneve7 || log "geneve failed"
fi

# ---- routes
ip route add 10.99.0.0/24 via 10.1.0.254 dev dummy0
ip route add 203.0.113.0/24 dev dummy1 metric 50
ip route add blackhole 198.51.100.0/24
ip route add unreachable 192.0.2.0/24 2>/dev/null || log "unreachable route failed"
ip -6 route add 2001:db8:99::/48 via 2001:db8:1::fe dev dummy0
ip -6 route add blackhole 2001:db8:dead::/48 2>/dev/null || log "v6 blackhole failed"

# ---- permanent neighbours (netlink from sockmix; busybox ip cannot add)
/bin/sockmix neigh 10.1.0.254 02:00:00:00:00:fe dummy0
/bin/sockmix neigh 2001:db8:1::fe 02:00:00:00:00:fe dummy0
[ -e /sys/class/net/eth0 ] && {
  /bin/sockmix neigh 10.0.2.99 52:54:00:12:34:99 eth0
  /bin/sockmix neigh fe80::99 52:54:00:12:34:99 eth0
  /bin/sockmix neigh 10.0.2.3 52:55:0a:00:02:03 eth0
}

# ---- sysctls changed from their defaults
sysctl -w net.ipv4.tcp_fin_timeout=30 >/dev/null
sysctl -w net.core.somaxconn=1024 >/dev/null
sysctl -w net.ipv4.ip_forward=1 >/dev/null
sysctl -w net.ipv4.tcp_keepalive_time=600 >/dev/null
sysctl -w net.ipv4.ip_local_port_range="32768 60999" >/dev/null
sysctl -w "net.ipv4.ping_group_range=0 0" >/dev/null
sysctl -w net.ipv4.tcp_syncookies=1 >/dev/null
sysctl -w net.ipv4.conf.all.rp_filter=0 >/dev/null
sysctl -w kernel.kptr_restrict=0 >/dev/null
if [ "$scenario" = big ]; then
  sysctl -w net.core.somaxconn=8192 >/dev/null
  # more than ~14,000 pairs: a wider ephemeral range and room for the fds
  if [ "${XPS_PAIRS:-10000}" -gt 14000 ]; then
    sysctl -w net.ipv4.ip_local_port_range="1024 65535" >/dev/null
    sysctl -w fs.nr_open=1048576 fs.file-max=1048576 >/dev/null
  fi
fi
# scenario host: more devices, routes, rules, neighbours, qdiscs and the
# firewall (loaded before any traffic, so conntrack tracks the flows)
if [ "$scenario" = host ]; then . /host.sh; host_setup; fi

# some traffic so counters and dynamic neighbours exist
ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1
ping -c 2 -W 1 10.1.0.77 >/dev/null 2>&1
ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1

# ---- sockets
log "starting sockmix ($scenario)"
/bin/sockmix run "$scenario" > /dev/ttyS0 2>&1 || log "sockmix reported a problem"
[ "$scenario" = host ] && host_after_sockets
sleep 1

# ---- truth
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
sec() { n=$1; shift; echo "@@@ BEGIN $n" >&3; "$@" >&3 2>&1; echo "@@@ END $n" >&3; }
proc_info() {
  p=$1
  echo "pid=$p"
  echo "ppid=$(cut -d' ' -f4 /proc/$p/stat 2>/dev/null)"
  echo "comm=$(cat /proc/$p/comm 2>/dev/null)"
  echo "cmdline=$(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | sed 's/ $//')"
  echo "netns=$(readlink /proc/$p/ns/net 2>/dev/null)"
  # one ls instead of a readlink per fd (20,000 fds in the big scenario)
  ls -l /proc/$p/fd 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\) -> \(.*\)$/fd \1 -> \2/p'

}

echo "@@@ XPORTSHOW-TRUTH v1" >&3
sec scenario echo "$scenario"
sec uname.a uname -a
sec uname.s uname -s
sec uname.n uname -n
sec uname.r uname -r
sec uname.v uname -v
sec uname.m uname -m
sec nproc nproc
sec cpuinfo.processors grep -c ^processor /proc/cpuinfo
sec uptime cat /proc/uptime
sec date.epoch date +%s
sec jiffies sh -c 'grep -m1 "^jiffies" /proc/timer_list'
sec cmdline cat /proc/cmdline
sec meminfo cat /proc/meminfo

nspid=$(pidof nsworker | tr ' ' '\n' | sort -n | head -1)
sec netns.list sh -c "echo init 1 \$(readlink /proc/1/ns/net); [ -n '$nspid' ] && echo ns1 $nspid \$(readlink /proc/$nspid/ns/net)"
for spec in "init:1" "ns1:$nspid"; do
  ns=${spec%%:*}; pid=${spec#*:}
  [ -n "$pid" ] || continue
  sec net.$ns.inode readlink /proc/$pid/ns/net
  for f in tcp tcp6 udp udp6 udplite udplite6 raw raw6 icmp icmp6 unix packet netlink \
           netstat snmp snmp6 dev route ipv6_route arp ptype sockstat sockstat6 \
           if_inet6 igmp dev_mcast; do
    [ -e /proc/$pid/net/$f ] && sec net.$ns.$f cat /proc/$pid/net/$f
  done
  sec ip.$ns.link nsenter -t $pid -n ip link
  sec ip.$ns.addr nsenter -t $pid -n ip addr
  sec ip.$ns.route nsenter -t $pid -n ip route
  sec ip.$ns.route6 nsenter -t $pid -n ip -6 route
  sec ip.$ns.neigh nsenter -t $pid -n ip neigh
  sec ip.$ns.neigh6 nsenter -t $pid -n ip -6 neigh
  sec sysctl.$ns sh -c "nsenter -t $pid -n sysctl -a 2>/dev/null | grep '^net\\.' | sort"
done
[ "$scenario" = host ] && host_truth "init:1" "ns1:$nspid"
for p in $(ls /proc | grep '^[0-9][0-9]*$' | sort -n); do
  [ -d /proc/$p ] && sec proc.$p proc_info $p
done
sec uptime.end cat /proc/uptime
if [ "$kallsyms" = 1 ]; then
  sec kallsyms cat /proc/kallsyms
fi
echo "@@@ READY" >&3
log "truth printed, waiting for the dump"
while :; do sleep 3600; done
