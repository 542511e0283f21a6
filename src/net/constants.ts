// Kernel constants the walkers share (uapi values that BTF does not carry as enums).

// include/linux/socket.h
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;

// include/uapi/linux/in.h
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_RAW = 255;

// include/net/tcp_states.h
export const TCP_STATES = [
  '', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV', 'BOUND_INACTIVE',
];
/** The names alone, for completion and validation. */
export const TCP_STATE_NAMES = TCP_STATES.filter(Boolean);
export const TCP_ESTABLISHED = 1;
export const TCP_SYN_RECV = 3;
export const TCP_TIME_WAIT = 6;
export const TCP_CLOSE = 7;
export const TCP_LISTEN = 10;
export const TCP_NEW_SYN_RECV = 12;

// include/linux/net.h: enum sock_type
export const SOCK_TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 3: 'RAW', 4: 'RDM', 5: 'SEQPACKET', 6: 'DCCP', 10: 'PACKET' };

// include/linux/socket.h: the families a process's fds may hold that we name
export const FAMILY_NAMES: Record<number, string> = {
  1: 'PF_UNIX', 2: 'PF_INET', 10: 'PF_INET6', 16: 'PF_NETLINK', 17: 'PF_PACKET', 38: 'PF_ALG', 40: 'PF_VSOCK', 44: 'PF_XDP',
};
// include/uapi/linux/netlink.h
export const NETLINK_PROTOCOLS: Record<number, string> = {
  0: 'ROUTE', 4: 'SOCK_DIAG', 6: 'XFRM', 9: 'AUDIT', 10: 'FIB_LOOKUP', 11: 'CONNECTOR', 12: 'NETFILTER', 15: 'KOBJECT_UEVENT', 16: 'GENERIC',
};
