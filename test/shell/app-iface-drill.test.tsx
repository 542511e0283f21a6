// The shell's drill from a route to its device, and from the device to what hangs off it
// (routes through it, neighbours, nexthop objects, bound sockets), on the host fixture, with
// every expectation taken from the guest's truth.
import { afterAll, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/shell/app.js';
import { fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { initNetns } from '../support/truth.js';
import { hostSection, presentHostFixtures } from '../support/truth-host.js';
import { parseIpNeigh } from '../support/truth-neigh.js';
import { parseIpLink } from '../support/truth-ip.js';
import { settle as settleFor } from '../support/ink.js';

const settle = (lastFrame: () => string | undefined) => settleFor(lastFrame, 40, 5000);
const name = 'bookworm-6.1-host';

describe.runIf(presentHostFixtures().includes(name))(`interface drill-down on dumps/${name}`, () => {
  const session = fixtureSession(name);
  const truth = fixtureTruth(name);
  const init = initNetns(truth);
  const dummy0 = parseIpLink(hostSection(truth, 'init', 'ip.NS.link.detail')).find((d) => d.name === 'dummy0')!;
  const gwNeigh = parseIpNeigh(hostSection(truth, 'init', 'ip.NS.neigh.all')).find((n) => n.ip === '10.1.0.254')!;
  const bound = init.packet.filter((p) => p.iface === dummy0.ifindex);
  afterAll(() => cleanup());

  it('-r → a route via dummy0 → dummy0: its routes, neighbours, nexthop objects and bound sockets → a socket', async () => {
    const { stdin, lastFrame } = render(<App session={session} historyFile={null} />);
    await settle(lastFrame);
    stdin.write('-r\r');
    await settle(lastFrame);
    stdin.write('\u001B[B'); // ↓: browse
    await settle(lastFrame);
    stdin.write('/10.99.0.0');
    await settle(lastFrame);
    stdin.write('\r'); // keep the filter
    await settle(lastFrame);
    expect(lastFrame()).toMatch(/^› 10\.99\.0\.0 +10\.1\.0\.254 .* dummy0$/m);
    stdin.write('\r'); // open the route's device
    await settle(lastFrame);
    const dev = lastFrame()!;
    expect(dev).toContain('› dummy0');
    expect(dev).toMatch(/Routes through dummy0: \d+/);
    expect(bound.length).toBeGreaterThan(0);
    // a long view: filter to the neighbour, then the bound socket
    stdin.write(`/${gwNeigh.ip}`);
    await settle(lastFrame);
    expect(lastFrame()).toMatch(new RegExp(`${gwNeigh.ip.replace(/\./g, '\\.')} +ether +${gwNeigh.lladdr} +${gwNeigh.state}`));
    stdin.write('\u001B'); // clear the filter
    await settle(lastFrame);
    stdin.write(`/${bound[0]!.inode}`);
    await settle(lastFrame);
    stdin.write('\r');
    await settle(lastFrame);
    expect(lastFrame()).toMatch(new RegExp(`^› packet .* ${bound[0]!.inode}$`, 'm')); // bound by packet_sock.ifindex
    stdin.write('\r'); // open the bound packet socket
    await settle(lastFrame);
    expect(lastFrame()).toContain(String(bound[0]!.inode));
    expect(lastFrame()).toMatch(/packet/i);
  });
});
