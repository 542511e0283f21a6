/*
 * sockmix.c - runs inside the fixture guest (static, PID 1's child).
 *
 * Creates and HOLDS a realistic mix of sockets in several named processes so
 * that a crash dump taken afterwards has known networking state.  Every
 * process sets its name with prctl(PR_SET_NAME) and then sleeps forever.
 *
 *   sockmix run [default|big|vxlan|host]  build the scenario (host = default), exit when ready
 *   sockmix neigh IP LLADDR DEV    add a PERMANENT neighbour (RTM_NEWNEIGH)
 *   sockmix veth NAME PEER         create a veth pair (RTM_NEWLINK)
 *   sockmix vxlan NAME VNI PORT DEV LOCAL   create a VXLAN device (RTM_NEWLINK)
 *   sockmix geneve NAME VNI PORT REMOTE     create a GENEVE device (RTM_NEWLINK)
 *   sockmix up NAME                set a link up (RTM_NEWLINK, IFF_UP)
 *   scenario host only (see guest/host.sh):
 *   sockmix extra NSPID            natsrv (in NSPID's netns), natcli, overflow,
 *                                  cookieflood, pmtuprobe; exit when ready
 *   sockmix toobig4 DST ISRC IDST SPORT DPORT MTU   ICMP frag-needed quoting UDP
 *   sockmix toobig6 DST ISRC IDST SPORT DPORT MTU   ICMPv6 packet-too-big quoting UDP
 *   sockmix blast IP PORT COUNT SIZE                UDP datagrams as fast as possible
 *   sockmix kmsg                   print /dev/kmsg without blocking
 *
 * Nothing here is clever; failures of optional items are reported on stderr
 * ("sockmix: WARN ...") and the rest goes on.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif

static int ready_fd = -1; /* write end of the readiness pipe */
static int ready_rd = -1; /* its read end (closed in children) */
static int ns_sync[2] = {-1, -1}, ns_go[2] = {-1, -1};

/* children keep only their own sockets: drop the parent's pipe ends */
static void close_parent_pipes(void) {
    if (ready_rd >= 0) { close(ready_rd); ready_rd = -1; }
}

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sockmix: FATAL ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, ": %s\n", strerror(errno));
    va_end(ap);
    exit(1);
}

static void warn(const char *fmt, ...) {
    va_list ap;
    int e = errno;
    va_start(ap, fmt);
    fprintf(stderr, "sockmix: WARN ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, ": %s\n", strerror(e));
    va_end(ap);
}

static void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sockmix: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

static void setname(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

/* Tell the parent this process is done and sleep forever. */
static void hold(void) {
    char c = 'r';
    if (ready_fd >= 0) {
        if (write(ready_fd, &c, 1) != 1) warn("ready write");
        close(ready_fd);
        ready_fd = -1;
    }
    for (;;) pause();
}

/* fork a named child that runs fn() and then holds */
static void (*nsworker_fn)(void);
static pid_t spawn(const char *name, void (*fn)(void)) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
        setname(name);
        close_parent_pipes();
        if (fn != nsworker_fn) {
            for (int i = 0; i < 2; i++) {
                if (ns_sync[i] >= 0) close(ns_sync[i]);
                if (ns_go[i] >= 0) close(ns_go[i]);
            }
        }
        fn();
        hold();
    }
    return p;
}

static struct sockaddr_in sin4(const char *ip, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) die("bad ip %s", ip);
    return a;
}

static struct sockaddr_in6 sin6(const char *ip, int port) {
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1) die("bad ip6 %s", ip);
    return a;
}

static void reuse(int s) {
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}

static int tcp_listen4(const char *ip, int port, int backlog, int rcvbuf) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) die("socket");
    reuse(s);
    if (rcvbuf > 0 && setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) < 0) warn("rcvbuf");
    struct sockaddr_in a = sin4(ip, port);
    if (bind(s, (void *)&a, sizeof a) < 0) die("bind %s:%d", ip, port);
    if (listen(s, backlog) < 0) die("listen %s:%d", ip, port);
    return s;
}

static int tcp_listen6(const char *ip, int port, int backlog, int v6only) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s < 0) die("socket6");
    reuse(s);
    if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0) warn("v6only");
    struct sockaddr_in6 a = sin6(ip, port);
    if (bind(s, (void *)&a, sizeof a) < 0) die("bind [%s]:%d", ip, port);
    if (listen(s, backlog) < 0) die("listen [%s]:%d", ip, port);
    return s;
}

static int tcp_connect4(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) die("socket");
    struct sockaddr_in a = sin4(ip, port);
    if (connect(s, (void *)&a, sizeof a) < 0) die("connect %s:%d", ip, port);
    return s;
}

static int tcp_connect6(const char *ip, int port) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s < 0) die("socket6");
    struct sockaddr_in6 a = sin6(ip, port);
    if (connect(s, (void *)&a, sizeof a) < 0) die("connect [%s]:%d", ip, port);
    return s;
}

static void writeall(int s, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(s, p, n);
        if (w < 0) die("write");
        p += w;
        n -= (size_t)w;
    }
}

static void writestr(int s, const char *str) { writeall(s, str, strlen(str)); }

/* let in-flight segments/ACKs settle */
static void settle(void) { usleep(200 * 1000); }

/* ------------------------------------------------------------------ */
/* websrv: listeners (v4 shared with a forked worker, v6), accepted
 * connections with unread requests, a dup()ed fd, an accept backlog.   */
static int web_l4, web_l6, web_full;

static void websrv_worker(void) { /* holds the inherited listener fds */ }

static void websrv(void) {
    web_l4 = tcp_listen4("0.0.0.0", 8080, 16, 0);
    web_l6 = tcp_listen6("::", 8443, 16, 1);
    web_full = tcp_listen4("127.0.0.1", 8081, 0, 0); /* backlog 0: 1 queued = full */
    spawn("websrv-worker", websrv_worker);            /* shares all three listeners */
    /* accept exactly 2 on 8080 and 1 on 8443; the rest stays queued */
    int a1 = accept(web_l4, NULL, NULL);
    int a2 = accept(web_l4, NULL, NULL);
    int a3 = accept(web_l6, NULL, NULL);
    if (a1 < 0 || a2 < 0 || a3 < 0) die("websrv accept");
    if (dup2(a1, 100) < 0) die("dup2"); /* a1 now on two fds */
    note("websrv: accepted fds %d(+100) %d %d", a1, a2, a3);
}

/* webclient: connects to websrv, requests are never read by the server */
static void webclient(void) {
    int one = 1;
    settle();
    int c1 = tcp_connect4("127.0.0.1", 8080);
    writestr(c1, "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n");
    if (setsockopt(c1, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) warn("nodelay");
    int c2 = tcp_connect4("127.0.0.1", 8080);
    writestr(c2, "GET /favicon.ico HTTP/1.1\r\nHost: localhost\r\n\r\n");
    int c3 = tcp_connect6("::1", 8443);
    writestr(c3, "\x16\x03\x01\x00\x05hello");
    if (setsockopt(c3, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) warn("nodelay6");
    settle();
    /* three more that websrv never accepts: they wait in the accept queue */
    for (int i = 0; i < 3; i++) {
        int c = tcp_connect4("127.0.0.1", 8080);
        writestr(c, "GET /queued HTTP/1.1\r\n\r\n");
    }
    int f = tcp_connect4("127.0.0.1", 8081); /* fills the backlog-0 listener */
    (void)f;
    settle();
}

/* ------------------------------------------------------------------ */
/* dbserver: small receive buffer, never reads; a closer listener that
 * reads to EOF and closes (so clients end in TIME_WAIT).               */
static void dbserver_closer(void) {
    int l = tcp_listen4("127.0.0.1", 5433, 8, 0);
    char buf[256];
    if (write(ready_fd, "c", 1) != 1) warn("ready");
    close(ready_fd);
    ready_fd = -1;
    for (;;) {
        int a = accept(l, NULL, NULL);
        if (a < 0) continue;
        while (read(a, buf, sizeof buf) > 0) {}
        close(a);
    }
}

static void dbserver(void) {
    int l = tcp_listen4("127.0.0.1", 5432, 8, 4096);
    /* the closer lives in a forked child so this process can hold */
    pid_t p = fork();
    if (p == 0) { setname("dbcloser"); dbserver_closer(); _exit(0); }
    char c;
    /* wait for closer readiness through the shared pipe is not possible
       (it goes to the parent); just give it time */
    (void)c;
    int a1 = accept(l, NULL, NULL); /* bulk connection: window will close */
    int a2 = accept(l, NULL, NULL); /* half-closed by the client -> CLOSE_WAIT */
    if (a1 < 0 || a2 < 0) die("dbserver accept");
    note("dbserver: accepted %d %d", a1, a2);
}

static void dbclient(void) {
    settle();
    int c1 = tcp_connect4("127.0.0.1", 5432);
    int one = 1;
    setsockopt(c1, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    /* write until the peer's tiny receive buffer and our send buffer are
       full: leaves a non-empty send queue and a zero window */
    int fl = fcntl(c1, F_GETFL);
    fcntl(c1, F_SETFL, fl | O_NONBLOCK);
    static char chunk[16384];
    memset(chunk, 'x', sizeof chunk);
    size_t total = 0;
    for (int tries = 0; tries < 50; tries++) {
        ssize_t w = write(c1, chunk, sizeof chunk);
        if (w > 0) { total += (size_t)w; continue; }
        if (errno == EAGAIN) { usleep(20000); continue; }
        warn("dbclient write");
        break;
    }
    note("dbclient: queued %zu bytes", total);
    int c2 = tcp_connect4("127.0.0.1", 5432);
    writestr(c2, "SELECT 1;\n");
    if (shutdown(c2, SHUT_WR) < 0) warn("shutdown"); /* FIN_WAIT2 here, CLOSE_WAIT there */
    /* TIME_WAIT: three short connections closed actively by us */
    for (int i = 0; i < 3; i++) {
        int t = tcp_connect4("127.0.0.1", 5433);
        writestr(t, "bye\n");
        close(t);
    }
    settle();
}

/* ------------------------------------------------------------------ */
/* synflood: a listener with a SYN queue.  Clients use IP_TRANSPARENT to
 * bind a non-local source (10.99.0.x) whose reply route leads out of
 * dummy0; the SYN-ACK vanishes, the request sock stays in SYN_RECV and the
 * client in SYN_SENT.                                                   */
static void synflood(void) {
    int l = tcp_listen4("0.0.0.0", 9000, 32, 0);
    (void)l;
    for (int i = 0; i < 3; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        if (setsockopt(s, SOL_IP, IP_TRANSPARENT, &one, sizeof one) < 0) { warn("IP_TRANSPARENT"); continue; }
        char ip[32];
        snprintf(ip, sizeof ip, "10.99.0.%d", 5 + i);
        struct sockaddr_in src = sin4(ip, 40000 + i);
        if (bind(s, (void *)&src, sizeof src) < 0) { warn("bind %s", ip); continue; }
        fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
        struct sockaddr_in dst = sin4("10.1.0.1", 9000);
        if (connect(s, (void *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) warn("syn connect %s", ip);
    }
    settle();
}

/* ------------------------------------------------------------------ */
/* resolver: UDP bound v4/v6, connected UDP, UDP with queued datagrams,
 * a nearly full UDP receive buffer, UDP-Lite.                          */
static int udp_bind4(const char *ip, int port, int proto) {
    int s = socket(AF_INET, SOCK_DGRAM, proto);
    if (s < 0) { warn("udp socket proto %d", proto); return -1; }
    reuse(s);
    struct sockaddr_in a = sin4(ip, port);
    if (bind(s, (void *)&a, sizeof a) < 0) { warn("udp bind %s:%d", ip, port); return -1; }
    return s;
}

static void resolver(void) {
    int u1 = udp_bind4("0.0.0.0", 5353, 0);
    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    int one = 1;
    setsockopt(u6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    struct sockaddr_in6 a6 = sin6("::", 5353);
    if (bind(u6, (void *)&a6, sizeof a6) < 0) warn("udp6 bind");
    /* connected UDP towards a "DNS server" reached through dummy0 */
    int uc = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dns = sin4("10.1.0.53", 53);
    if (connect(uc, (void *)&dns, sizeof dns) < 0) warn("udp connect");
    /* a bound socket with unread datagrams */
    int uq = udp_bind4("127.0.0.1", 5300, 0);
    (void)uq;
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = sin4("127.0.0.1", 5300);
    if (connect(tx, (void *)&to, sizeof to) < 0) warn("udp connect lo");
    for (int i = 0; i < 3; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "query %d example.org A", i);
        if (send(tx, msg, (size_t)n, 0) < 0) warn("udp send");
    }
    /* a small receive buffer, filled until the kernel drops */
    int uf = udp_bind4("127.0.0.1", 5301, 0);
    int small = 4096;
    if (uf >= 0) setsockopt(uf, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    struct sockaddr_in tof = sin4("127.0.0.1", 5301);
    for (int i = 0; i < 64; i++) {
        char msg[200];
        memset(msg, 'q', sizeof msg);
        sendto(tx, msg, sizeof msg, 0, (void *)&tof, sizeof tof); /* tx connected: use a new one */
    }
    int tx2 = socket(AF_INET, SOCK_DGRAM, 0);
    for (int i = 0; i < 64; i++) {
        char msg[200];
        memset(msg, 'q', sizeof msg);
        sendto(tx2, msg, sizeof msg, 0, (void *)&tof, sizeof tof);
    }
    /* v6 datagram to the v6 socket (unread) */
    int tx6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 to6 = sin6("::1", 5353);
    sendto(tx6, "v6 query", 8, 0, (void *)&to6, sizeof to6);
    /* UDP-Lite */
    int ul = udp_bind4("0.0.0.0", 5400, IPPROTO_UDPLITE);
    if (ul < 0) note("resolver: no UDP-Lite");
    (void)u1;
    settle();
}

/* ------------------------------------------------------------------ */
static void pinger(void) {
    int r4 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (r4 < 0) warn("raw icmp");
    int r6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
    if (r6 < 0) warn("raw icmp6");
    /* ping sockets (net.ipv4.ping_group_range must include gid 0); they are
       hashed, and so visible in /proc/net/icmp{,6}, only once bound */
    int p4 = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    struct sockaddr_in any4 = sin4("0.0.0.0", 0);
    if (p4 < 0 || bind(p4, (void *)&any4, sizeof any4) < 0) warn("ping socket");
    int p6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
    struct sockaddr_in6 any6 = sin6("::", 0);
    if (p6 < 0 || bind(p6, (void *)&any6, sizeof any6) < 0) warn("ping6 socket");
    int rr = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (rr < 0) warn("raw raw");
    /* send one echo request to ourselves so the raw socket has one unread reply */
    unsigned char pkt[16] = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'x', 'p', 'o', 'r', 't', 's', 'h', 'w'};
    unsigned sum = 0;
    for (int i = 0; i < 16; i += 2) sum += (unsigned)(pkt[i] << 8 | pkt[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    pkt[2] = (unsigned char)(sum >> 8);
    pkt[3] = (unsigned char)sum;
    struct sockaddr_in lo = sin4("127.0.0.1", 0);
    if (r4 >= 0 && sendto(r4, pkt, sizeof pkt, 0, (void *)&lo, sizeof lo) < 0) warn("icmp send");
    settle();
}

/* ------------------------------------------------------------------ */
static void sniffer(void) {
    int p1 = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (p1 < 0) warn("packet raw");
    int p2 = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (p2 < 0) { warn("packet dgram"); return; }
    struct sockaddr_ll ll;
    memset(&ll, 0, sizeof ll);
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_IP);
    ll.sll_ifindex = (int)if_nametoindex("dummy0");
    if (ll.sll_ifindex == 0 || bind(p2, (void *)&ll, sizeof ll) < 0) warn("packet bind dummy0");
    int p3 = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
    if (p3 < 0) warn("packet arp");
    /* a netlink socket held open too (shows in /proc/net/netlink) */
    int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR;
    if (nl < 0 || bind(nl, (void *)&sa, sizeof sa) < 0) warn("netlink");
}

/* ------------------------------------------------------------------ */
static int unix_listen(const char *path, int type, int abstract) {
    int s = socket(AF_UNIX, type, 0);
    if (s < 0) die("unix socket");
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    socklen_t len;
    if (abstract) {
        strncpy(a.sun_path + 1, path, sizeof a.sun_path - 2);
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
    } else {
        unlink(path);
        strncpy(a.sun_path, path, sizeof a.sun_path - 1);
        len = sizeof a;
    }
    if (bind(s, (void *)&a, len) < 0) die("unix bind %s", path);
    if (type != SOCK_DGRAM && listen(s, 8) < 0) die("unix listen %s", path);
    return s;
}

static int unix_connect(const char *path, int type, int abstract) {
    int s = socket(AF_UNIX, type, 0);
    if (s < 0) die("unix socket");
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    socklen_t len;
    if (abstract) {
        strncpy(a.sun_path + 1, path, sizeof a.sun_path - 2);
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path));
    } else {
        strncpy(a.sun_path, path, sizeof a.sun_path - 1);
        len = sizeof a;
    }
    if (connect(s, (void *)&a, len) < 0) die("unix connect %s", path);
    return s;
}

static void unixcli(void) {
    settle();
    int c1 = unix_connect("/run/unixd.sock", SOCK_STREAM, 0);
    writestr(c1, "hello unixd: this request is never read\n");
    int c2 = unix_connect("/run/unixd.sock", SOCK_STREAM, 0); /* stays unaccepted */
    (void)c2;
    int c3 = unix_connect("xportshow.abstract", SOCK_STREAM, 1);
    writestr(c3, "abstract hello\n");
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "/run/unixd.dgram");
    for (int i = 0; i < 2; i++)
        if (sendto(d, "log line\n", 9, 0, (void *)&a, sizeof a) < 0) warn("unix dgram send");
    int q = unix_connect("/run/unixd.seq", SOCK_SEQPACKET, 0);
    writestr(q, "seqpacket message");
    settle();
}

static void unixd(void) {
    mkdir("/run", 0755);
    int l = unix_listen("/run/unixd.sock", SOCK_STREAM, 0);
    int la = unix_listen("xportshow.abstract", SOCK_STREAM, 1);
    int dg = unix_listen("/run/unixd.dgram", SOCK_DGRAM, 0);
    int sq = unix_listen("/run/unixd.seq", SOCK_SEQPACKET, 0);
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) warn("socketpair");
    else writestr(sp[0], "socketpair data\n");
    int dp[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, dp) < 0) warn("socketpair dgram");
    spawn("unixcli", unixcli);
    int a1 = accept(l, NULL, NULL);  /* unread data */
    int a2 = accept(la, NULL, NULL); /* unread data */
    int a3 = accept(sq, NULL, NULL);
    if (a1 < 0 || a2 < 0 || a3 < 0) warn("unix accept");
    (void)dg;
}

/* ------------------------------------------------------------------ */
/* nsworker: a second network namespace with loopback, a listener, an
 * established pair, UDP, UNIX; veth1 is moved in by the parent.        */

static void nsworker(void) {
    char c;
    if (unshare(CLONE_NEWNET) < 0) die("unshare");
    if (write(ns_sync[1], "u", 1) != 1) warn("ns sync");
    if (read(ns_go[0], &c, 1) != 1) warn("ns go"); /* veth1 has arrived */
    for (int i = 0; i < 2; i++) { close(ns_sync[i]); close(ns_go[i]); }
    if (system("ip link set lo up;"
               "sysctl -w net.ipv4.conf.all.rp_filter=0 >/dev/null; sysctl -w net.ipv4.conf.default.rp_filter=0 >/dev/null;"
               "sysctl -w net.ipv4.tcp_fin_timeout=45 >/dev/null;"
               "ip addr add 10.200.0.2/24 dev veth1 && sysctl -w net.ipv4.conf.veth1.rp_filter=0 >/dev/null;"
               "ip link set veth1 up;"
               "ip addr add fd00:200::2/64 dev veth1 nodad 2>/dev/null || ip addr add fd00:200::2/64 dev veth1;"
               "ip route add default via 10.200.0.1") != 0)
        note("nsworker: some netns setup failed");
    int l = tcp_listen4("127.0.0.1", 7000, 8, 0);
    int lv = tcp_listen4("0.0.0.0", 7001, 8, 0);
    int cc = tcp_connect4("127.0.0.1", 7000);
    writestr(cc, "inside the second netns\n");
    int a = accept(l, NULL, NULL);
    writestr(a, "reply never read\n");
    int l6 = tcp_listen6("::", 7002, 4, 1);
    (void)l6;
    int u = udp_bind4("0.0.0.0", 7053, 0);
    (void)u;
    int ux = unix_listen("nsworker.ctl", SOCK_STREAM, 1);
    (void)ux;
    int r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    (void)r;
    /* the connection from init_net over the veth */
    int av = accept(lv, NULL, NULL);
    if (av < 0) warn("ns accept veth");
    settle();
}

/* nsclient: in init_net, connects to the netns over veth0/veth1 */
static void nsclient(void) {
    int c = tcp_connect4("10.200.0.2", 7001);
    writestr(c, "across the veth\n");
    settle();
}

/* ------------------------------------------------------------------ */
/* big: many ESTABLISHED loopback pairs held by one process; XPS_PAIRS pairs
 * (default 10,000), spread over one listener per 25,000 pairs (127.0.0.1:6000,
 * 6001, ...) so the ephemeral port range never runs out */
static void bigpairs(void) {
    const char *e = getenv("XPS_PAIRS");
    int n = e && atoi(e) > 0 ? atoi(e) : 10000;
    rlim_t want = (rlim_t)n * 2 + 1024;
    if (want < 65536) want = 65536;
    struct rlimit rl = {want, want};
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) warn("setrlimit");
    int nl = (n + 24999) / 25000, ls[16];
    if (nl > 16) nl = 16;
    for (int k = 0; k < nl; k++) ls[k] = tcp_listen4("127.0.0.1", 6000 + k, 4096, 0);
    int made = 0;
    for (int i = 0; i < n; i++) {
        int k = i % nl;
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) { warn("big socket %d", i); break; }
        struct sockaddr_in a = sin4("127.0.0.1", 6000 + k);
        if (connect(s, (void *)&a, sizeof a) < 0) { warn("big connect %d", i); close(s); break; }
        int x = accept(ls[k], NULL, NULL);
        if (x < 0) { warn("big accept %d", i); break; }
        made++;
    }
    note("bigpairs: %d established pairs", made);
}

/* ------------------------------------------------------------------ */
/* netlink helpers (RTM_NEWNEIGH, RTM_NEWLINK veth) */
struct nlreq {
    struct nlmsghdr h;
    char buf[1024];
};

static void addattr(struct nlmsghdr *h, int type, const void *data, int len) {
    struct rtattr *rta = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
    rta->rta_type = (unsigned short)type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len) memcpy(RTA_DATA(rta), data, (size_t)len);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static struct rtattr *nest_start(struct nlmsghdr *h, int type) {
    struct rtattr *rta = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
    addattr(h, type, NULL, 0);
    return rta;
}

static void nest_end(struct nlmsghdr *h, struct rtattr *nest) {
    nest->rta_len = (unsigned short)((char *)h + h->nlmsg_len - (char *)nest);
}

static int nl_talk(struct nlmsghdr *h) {
    int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    if (s < 0) die("netlink socket");
    h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    h->nlmsg_seq = 1;
    if (send(s, h, h->nlmsg_len, 0) < 0) die("netlink send");
    char buf[4096];
    ssize_t n = recv(s, buf, sizeof buf, 0);
    close(s);
    if (n < 0) die("netlink recv");
    struct nlmsghdr *r = (struct nlmsghdr *)buf;
    if (r->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(r);
        if (e->error) { errno = -e->error; return -1; }
    }
    return 0;
}

static int parse_mac(const char *s, unsigned char mac[6]) {
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return -1;
    for (int i = 0; i < 6; i++) mac[i] = (unsigned char)v[i];
    return 0;
}

static int cmd_neigh(const char *ip, const char *mac, const char *dev) {
    struct nlreq req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
    req.h.nlmsg_type = RTM_NEWNEIGH;
    req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
    struct ndmsg *nd = NLMSG_DATA(&req.h);
    nd->ndm_state = NUD_PERMANENT;
    nd->ndm_ifindex = (int)if_nametoindex(dev);
    if (!nd->ndm_ifindex) die("no such device %s", dev);
    unsigned char addr[16];
    if (inet_pton(AF_INET, ip, addr) == 1) {
        nd->ndm_family = AF_INET;
        addattr(&req.h, NDA_DST, addr, 4);
    } else if (inet_pton(AF_INET6, ip, addr) == 1) {
        nd->ndm_family = AF_INET6;
        addattr(&req.h, NDA_DST, addr, 16);
    } else {
        die("bad address %s", ip);
    }
    unsigned char m[6];
    if (parse_mac(mac, m) < 0) die("bad mac %s", mac);
    addattr(&req.h, NDA_LLADDR, m, 6);
    if (nl_talk(&req.h) < 0) die("RTM_NEWNEIGH %s", ip);
    return 0;
}

/* RTM_NEWLINK creating device `name` of `kind`: the message up to the opened
 * IFLA_LINKINFO and IFLA_INFO_DATA nests (the caller adds the kind's attributes
 * and closes *data, then the returned IFLA_LINKINFO). */
static struct rtattr *newlink_begin(struct nlreq *req, const char *name, const char *kind,
                                    struct rtattr **data) {
    memset(req, 0, sizeof *req);
    req->h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req->h.nlmsg_type = RTM_NEWLINK;
    req->h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    addattr(&req->h, IFLA_IFNAME, name, (int)strlen(name) + 1);
    struct rtattr *li = nest_start(&req->h, IFLA_LINKINFO);
    addattr(&req->h, IFLA_INFO_KIND, kind, (int)strlen(kind));
    *data = nest_start(&req->h, IFLA_INFO_DATA);
    return li;
}

static int cmd_veth(const char *name, const char *peer) {
    struct nlreq req;
    struct rtattr *data;
    struct rtattr *li = newlink_begin(&req, name, "veth", &data);
    struct rtattr *pi = nest_start(&req.h, VETH_INFO_PEER);
    req.h.nlmsg_len += sizeof(struct ifinfomsg); /* peer's ifinfomsg, zeroed */
    addattr(&req.h, IFLA_IFNAME, peer, (int)strlen(peer) + 1);
    nest_end(&req.h, pi);
    nest_end(&req.h, data);
    nest_end(&req.h, li);
    if (nl_talk(&req.h) < 0) die("RTM_NEWLINK veth %s", name);
    return 0;
}

/* Tunnel devices whose kernel UDP socket carries sk_user_data (scenario
 * vxlan): RTM_NEWLINK with IFLA_INFO_KIND "vxlan" / "geneve".  The socket
 * is opened when the device goes up (cmd_linkup).                       */
static int cmd_vxlan(const char *name, const char *vni, const char *port,
                     const char *dev, const char *local) {
    struct nlreq req;
    struct rtattr *data;
    struct rtattr *li = newlink_begin(&req, name, "vxlan", &data);
    uint32_t id = (uint32_t)strtoul(vni, NULL, 0);
    addattr(&req.h, IFLA_VXLAN_ID, &id, 4);
    uint16_t p = htons((uint16_t)strtoul(port, NULL, 0));
    addattr(&req.h, IFLA_VXLAN_PORT, &p, 2);
    uint32_t link = if_nametoindex(dev);
    if (!link) die("no such device %s", dev);
    addattr(&req.h, IFLA_VXLAN_LINK, &link, 4);
    struct in_addr la;
    if (inet_pton(AF_INET, local, &la) != 1) die("bad ip %s", local);
    addattr(&req.h, IFLA_VXLAN_LOCAL, &la, 4);
    nest_end(&req.h, data);
    nest_end(&req.h, li);
    if (nl_talk(&req.h) < 0) die("RTM_NEWLINK vxlan %s", name);
    return 0;
}

static int cmd_geneve(const char *name, const char *vni, const char *port, const char *remote) {
    struct nlreq req;
    struct rtattr *data;
    struct rtattr *li = newlink_begin(&req, name, "geneve", &data);
    uint32_t id = (uint32_t)strtoul(vni, NULL, 0);
    addattr(&req.h, IFLA_GENEVE_ID, &id, 4);
    uint16_t p = htons((uint16_t)strtoul(port, NULL, 0));
    addattr(&req.h, IFLA_GENEVE_PORT, &p, 2);
    struct in_addr ra;
    if (inet_pton(AF_INET, remote, &ra) != 1) die("bad ip %s", remote);
    addattr(&req.h, IFLA_GENEVE_REMOTE, &ra, 4);
    nest_end(&req.h, data);
    nest_end(&req.h, li);
    if (nl_talk(&req.h) < 0) die("RTM_NEWLINK geneve %s", name);
    return 0;
}

/* set a link IFF_UP (RTM_NEWLINK on an existing ifindex) */
static int cmd_linkup(const char *name) {
    struct nlreq req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req.h.nlmsg_type = RTM_NEWLINK;
    struct ifinfomsg *ifi = NLMSG_DATA(&req.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)if_nametoindex(name);
    if (!ifi->ifi_index) die("no such device %s", name);
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    if (nl_talk(&req.h) < 0) die("RTM_NEWLINK up %s", name);
    return 0;
}

/* ------------------------------------------------------------------ */
/* scenario host: extra processes started after `run` (sockmix extra NSPID)
 * and the helpers init.sh calls (toobig4/toobig6, blast, kmsg).        */
static int extra_nsfd = -1;

/* nonblocking connect from an optional source address, bounded wait */
static int tcp_connect4_from(const char *src, const char *ip, int port, int ms) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) die("socket");
    if (src) {
        struct sockaddr_in a = sin4(src, 0);
        if (bind(s, (void *)&a, sizeof a) < 0) warn("bind %s", src);
    }
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    struct sockaddr_in d = sin4(ip, port);
    if (connect(s, (void *)&d, sizeof d) < 0 && errno != EINPROGRESS) warn("connect %s:%d", ip, port);
    if (ms > 0) {
        struct pollfd pf = {s, POLLOUT, 0};
        if (poll(&pf, 1, ms) <= 0) note("connect %s:%d still pending", ip, port);
    }
    return s;
}

/* natsrv: in the second netns, the target of natcli's DNAT'ed connection */
static void natsrv(void) {
    if (setns(extra_nsfd, CLONE_NEWNET) < 0) die("setns");
    int l = tcp_listen4("0.0.0.0", 7080, 8, 0);
    struct pollfd pf = {l, POLLIN, 0};
    if (poll(&pf, 1, 5000) <= 0) { note("natsrv: no connection"); return; }
    int a = accept(l, NULL, NULL);
    if (a < 0) { warn("natsrv accept"); return; }
    writestr(a, "natsrv: hello across DNAT+SNAT\n");
    settle();
}

/* natcli: 10.1.0.1 -> 10.123.0.1:80, DNAT'ed to 10.200.0.2:7080 and SNAT'ed to 10.200.0.1 */
static void natcli(void) {
    int c = tcp_connect4_from("10.1.0.1", "10.123.0.1", 80, 3000);
    int fl = fcntl(c, F_GETFL);
    fcntl(c, F_SETFL, fl & ~O_NONBLOCK);
    writestr(c, "GET / HTTP/1.0\r\n\r\n");
    settle();
}

/* overflow: SYNs to the full backlog-0 listener 127.0.0.1:8081 (ListenOverflows) */
static void overflow(void) {
    for (int i = 0; i < 2; i++) tcp_connect4_from(NULL, "127.0.0.1", 8081, 0);
    settle();
}

/* cookieflood: listener :9100 with backlog 2, 8 spoofed SYNs (IP_TRANSPARENT
 * sources 10.99.0.20-27, SYN-ACKs leave through dummy0): 2 request socks,
 * the rest answered with syncookies (tcp_syncookies=1)                 */
static void cookieflood(void) {
    int l = tcp_listen4("0.0.0.0", 9100, 2, 0);
    (void)l;
    for (int i = 0; i < 8; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        if (setsockopt(s, SOL_IP, IP_TRANSPARENT, &one, sizeof one) < 0) { warn("IP_TRANSPARENT"); continue; }
        char ip[32];
        snprintf(ip, sizeof ip, "10.99.0.%d", 20 + i);
        struct sockaddr_in src = sin4(ip, 41000 + i);
        if (bind(s, (void *)&src, sizeof src) < 0) { warn("bind %s", ip); continue; }
        fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
        struct sockaddr_in dst = sin4("10.1.0.1", 9100);
        if (connect(s, (void *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) warn("cookie connect %s", ip);
    }
    settle();
}

/* pmtuprobe: connected UDP with DF, 1400-byte datagrams, v4 and v6, from
 * port 5999 to port 9999: the ICMP errors crafted in ns1 quote them     */
static void pmtuprobe(void) {
    char buf[1400];
    memset(buf, 'p', sizeof buf);
    int s4 = socket(AF_INET, SOCK_DGRAM, 0);
    int pm = IP_PMTUDISC_DO;
    setsockopt(s4, IPPROTO_IP, IP_MTU_DISCOVER, &pm, sizeof pm);
    struct sockaddr_in a4 = sin4("10.200.0.1", 5999), d4 = sin4("10.250.0.9", 9999);
    if (bind(s4, (void *)&a4, sizeof a4) < 0) warn("pmtuprobe bind4");
    if (connect(s4, (void *)&d4, sizeof d4) < 0) warn("pmtuprobe connect4");
    if (send(s4, buf, sizeof buf, 0) < 0) warn("pmtuprobe send4");
    int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    int pm6 = IPV6_PMTUDISC_DO;
    setsockopt(s6, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pm6, sizeof pm6);
    struct sockaddr_in6 a6 = sin6("fd00:200::1", 5999), d6 = sin6("fd00:250::9", 9999);
    if (bind(s6, (void *)&a6, sizeof a6) < 0) warn("pmtuprobe bind6");
    if (connect(s6, (void *)&d6, sizeof d6) < 0) warn("pmtuprobe connect6");
    if (send(s6, buf, sizeof buf, 0) < 0) warn("pmtuprobe send6");
    /* and a datagram to ns1's rejecting port 7999 */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in r = sin4("10.200.0.2", 7999);
    if (sendto(u, "knock", 5, 0, (void *)&r, sizeof r) < 0) warn("pmtuprobe knock");
    settle();
}

static int cmd_extra(const char *nspid) {
    int p[2];
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/ns/net", nspid);
    extra_nsfd = open(path, O_RDONLY);
    if (extra_nsfd < 0) die("open %s", path);
    if (pipe(p) < 0) die("pipe");
    ready_fd = p[1];
    ready_rd = p[0];
    signal(SIGPIPE, SIG_IGN);
    int expect = 0;
    spawn("natsrv", natsrv); expect++;
    usleep(500 * 1000);
    spawn("natcli", natcli); expect++;
    spawn("overflow", overflow); expect++;
    spawn("cookieflood", cookieflood); expect++;
    spawn("pmtuprobe", pmtuprobe); expect++;
    close(p[1]);
    int got = 0;
    char c;
    while (got < expect) {
        struct pollfd pf = {p[0], POLLIN, 0};
        if (poll(&pf, 1, 60000) <= 0) { note("extra: timeout waiting for readiness"); break; }
        if (read(p[0], &c, 1) <= 0) break;
        got++;
    }
    note("extra: %d of %d processes ready", got, expect);
    return got == expect ? 0 : 1;
}

static uint16_t csum16(const void *data, size_t len) {
    const uint8_t *b = data;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (len & 1) sum += (uint32_t)b[len - 1] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

/* ICMP "fragmentation needed" to DST quoting a UDP datagram ISRC:SPORT -> IDST:DPORT */
static int cmd_toobig4(const char *dst, const char *isrc, const char *idst, int sport, int dport, int mtu) {
    uint8_t pkt[8 + 20 + 8];
    memset(pkt, 0, sizeof pkt);
    pkt[0] = 3; pkt[1] = 4;                          /* dest unreach, frag needed */
    pkt[6] = (uint8_t)(mtu >> 8); pkt[7] = (uint8_t)mtu;
    uint8_t *ih = pkt + 8;
    ih[0] = 0x45; ih[2] = (1428 >> 8); ih[3] = 1428 & 0xff;
    ih[6] = 0x40; ih[8] = 64; ih[9] = IPPROTO_UDP;   /* DF, ttl, proto */
    inet_pton(AF_INET, isrc, ih + 12);
    inet_pton(AF_INET, idst, ih + 16);
    uint16_t c = csum16(ih, 20); memcpy(ih + 10, &c, 2);
    uint8_t *uh = ih + 20;
    uh[0] = (uint8_t)(sport >> 8); uh[1] = (uint8_t)sport;
    uh[2] = (uint8_t)(dport >> 8); uh[3] = (uint8_t)dport;
    uh[4] = (1408 >> 8); uh[5] = 1408 & 0xff;
    c = csum16(pkt, sizeof pkt); memcpy(pkt + 2, &c, 2);
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (s < 0) die("raw icmp");
    struct sockaddr_in d = sin4(dst, 0);
    if (sendto(s, pkt, sizeof pkt, 0, (void *)&d, sizeof d) < 0) die("sendto %s", dst);
    return 0;
}

/* ICMPv6 "packet too big" to DST quoting a UDP datagram (kernel fills the checksum) */
static int cmd_toobig6(const char *dst, const char *isrc, const char *idst, int sport, int dport, int mtu) {
    uint8_t pkt[8 + 40 + 8];
    memset(pkt, 0, sizeof pkt);
    pkt[0] = 2;                                      /* packet too big */
    pkt[4] = (uint8_t)(mtu >> 24); pkt[5] = (uint8_t)(mtu >> 16); pkt[6] = (uint8_t)(mtu >> 8); pkt[7] = (uint8_t)mtu;
    uint8_t *ih = pkt + 8;
    ih[0] = 0x60; ih[4] = (1408 >> 8); ih[5] = 1408 & 0xff; ih[6] = IPPROTO_UDP; ih[7] = 64;
    inet_pton(AF_INET6, isrc, ih + 8);
    inet_pton(AF_INET6, idst, ih + 24);
    uint8_t *uh = ih + 40;
    uh[0] = (uint8_t)(sport >> 8); uh[1] = (uint8_t)sport;
    uh[2] = (uint8_t)(dport >> 8); uh[3] = (uint8_t)dport;
    uh[4] = (1408 >> 8); uh[5] = 1408 & 0xff;
    int s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
    if (s < 0) die("raw icmp6");
    struct sockaddr_in6 d = sin6(dst, 0);
    if (sendto(s, pkt, sizeof pkt, 0, (void *)&d, sizeof d) < 0) die("sendto %s", dst);
    return 0;
}

/* COUNT UDP datagrams of SIZE bytes to IP:PORT as fast as possible */
static int cmd_blast(const char *ip, int port, int count, int size) {
    char buf[65536];
    if (size > (int)sizeof buf) size = sizeof buf;
    memset(buf, 'b', (size_t)size);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) die("socket");
    struct sockaddr_in d = sin4(ip, port);
    int sent = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        if (sendto(s, buf, (size_t)size, MSG_DONTWAIT, (void *)&d, sizeof d) < 0) failed++; else sent++;
    }
    close(s);
    note("blast %s:%d: %d sent, %d refused", ip, port, sent, failed);
    return 0;
}

/* every /dev/kmsg record (level,seq,usec,flags;text) without blocking */
static int cmd_kmsg(void) {
    int f = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (f < 0) die("/dev/kmsg");
    char buf[8192];
    for (;;) {
        ssize_t n = read(f, buf, sizeof buf);
        if (n < 0 && errno == EPIPE) continue;       /* overwritten records */
        if (n <= 0) break;
        fwrite(buf, 1, (size_t)n, stdout);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
static int cmd_run(const char *scenario) {
    int p[2];
    if (pipe(p) < 0) die("pipe");
    ready_fd = p[1];
    ready_rd = p[0];
    nsworker_fn = nsworker;
    int expect = 0;
    signal(SIGPIPE, SIG_IGN);

    /* order matters only where a client needs its server */
    spawn("websrv", websrv); expect++;
    expect++; /* websrv-worker (forked by websrv) */
    spawn("dbserver", dbserver); expect++;
    expect++; /* dbcloser (forked by dbserver) reports too */
    usleep(300 * 1000);
    spawn("webclient", webclient); expect++;
    spawn("dbclient", dbclient); expect++;
    spawn("resolver", resolver); expect++;
    spawn("pinger", pinger); expect++;
    spawn("sniffer", sniffer); expect++;
    spawn("unixd", unixd); expect++;
    expect++; /* unixcli */
    spawn("synflood", synflood); expect++;

    if (pipe(ns_sync) < 0 || pipe(ns_go) < 0) die("pipe");
    pid_t ns = spawn("nsworker", nsworker); expect++;
    char c;
    if (read(ns_sync[0], &c, 1) != 1) die("ns sync");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ip link set veth1 netns %d", (int)ns);
    if (system(cmd) != 0) note("moving veth1 failed");
    if (write(ns_go[1], "g", 1) != 1) die("ns go");
    for (int i = 0; i < 2; i++) { close(ns_sync[i]); close(ns_go[i]); ns_sync[i] = ns_go[i] = -1; }
    usleep(1500 * 1000);
    spawn("nsclient", nsclient); expect++;

    if (strcmp(scenario, "big") == 0) { spawn("bigpairs", bigpairs); expect++; }

    close(p[1]);
    int got = 0;
    while (got < expect) {
        struct pollfd pf = {p[0], POLLIN, 0};
        if (poll(&pf, 1, 600000) <= 0) { note("timeout waiting for readiness"); break; }
        ssize_t n = read(p[0], &c, 1);
        if (n <= 0) break;
        got++;
    }
    note("%d of %d processes ready", got, expect);
    return got == expect ? 0 : 1;
}

int main(int argc, char **argv) {
    setvbuf(stderr, NULL, _IONBF, 0);
    if (argc >= 2 && strcmp(argv[1], "run") == 0) return cmd_run(argc >= 3 ? argv[2] : "default");
    if (argc == 5 && strcmp(argv[1], "neigh") == 0) return cmd_neigh(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "veth") == 0) return cmd_veth(argv[2], argv[3]);
    if (argc == 7 && strcmp(argv[1], "vxlan") == 0) return cmd_vxlan(argv[2], argv[3], argv[4], argv[5], argv[6]);
    if (argc == 6 && strcmp(argv[1], "geneve") == 0) return cmd_geneve(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 3 && strcmp(argv[1], "up") == 0) return cmd_linkup(argv[2]);
    if (argc == 3 && strcmp(argv[1], "extra") == 0) return cmd_extra(argv[2]);
    if (argc == 8 && strcmp(argv[1], "toobig4") == 0)
        return cmd_toobig4(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]), atoi(argv[7]));
    if (argc == 8 && strcmp(argv[1], "toobig6") == 0)
        return cmd_toobig6(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]), atoi(argv[7]));
    if (argc == 6 && strcmp(argv[1], "blast") == 0) return cmd_blast(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    if (argc == 2 && strcmp(argv[1], "kmsg") == 0) return cmd_kmsg();
    fprintf(stderr, "usage: sockmix run [default|big|vxlan] | neigh IP LLADDR DEV | veth NAME PEER\n"
                    "       | vxlan NAME VNI PORT DEV LOCAL | geneve NAME VNI PORT REMOTE | up NAME\n"
                    "       | extra NSPID | toobig4|toobig6 DST ISRC IDST SPORT DPORT MTU | blast IP PORT N SIZE | kmsg\n");
    return 2;
}
