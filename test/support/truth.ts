/**
 * Ground truth of a fixture dump (dumps/<suite>-<ver>/truth.txt).
 *
 * The guest prints, just before its memory is dumped, what its own tools saw
 * (uname, /proc/net/* of every network namespace, ip addr/route/neigh,
 * sysctl net.*, every process with its fds).  Format (see dumps/README.md):
 *
 *   @@@ XPORTSHOW-TRUTH v1
 *   @@@ BEGIN <section name>
 *   ...raw text...
 *   @@@ END <section name>
 *   ...
 *   @@@ READY
 *
 * `loadTruth(dir)` parses it into typed rows.  Addresses are decoded from the
 * kernel's host-endian hex into text: `127.0.0.1:8080`, `[::1]:8443`
 * (IPv6 in the canonical compressed form that inet_ntop prints).
 *
 * The parsers live in test/support/truth/, one module per /proc file or concern;
 * this file re-exports them so that `import … from './truth.js'` keeps working.
 */
export * from './truth/addr.js';
export * from './truth/arp.js';
export * from './truth/dev.js';
export * from './truth/inet.js';
export * from './truth/netlink.js';
export * from './truth/netns.js';
export * from './truth/packet.js';
export * from './truth/processes.js';
export * from './truth/route.js';
export * from './truth/sections.js';
export * from './truth/snmp.js';
export * from './truth/sysctl.js';
export * from './truth/unix.js';
export * from './truth/time.js';
