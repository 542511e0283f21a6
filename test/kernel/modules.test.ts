// Loaded modules and their symbols (src/kernel/modules.ts) on every fixture: names against the
// modules the guest's /init loaded (dumps/make-dump.sh), addresses and type letters against the
// guest's own /proc/kallsyms (bullseye keeps it), symbolize/trySymbol through the Kernel.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { presentFixtures, fixtureSession } from '../support/fixtures.js';
import { fixtureDir } from '../support/truth.js';
import { loadedModules, moduleSymbolTable, type LoadedModule } from '../../src/kernel/modules.js';
import { netNamespaces } from '../../src/net/netns.js';
import { netDevices } from '../../src/net/devices.js';
import type { WalkProblem } from '../../src/kernel/walk.js';
import type { ModuleSymbol } from '../../src/debuginfo/symbol-table.js';

/** Asked for by dumps/make-dump.sh in every guest (their dependencies vary by kernel). */
const LOADED = ['qemu_fw_cfg', 'virtio_net', 'failover', 'net_failover', 'dummy', 'veth', 'llc', 'stp', 'garp', 'mrp', '8021q', 'bridge'];

describe.each(presentFixtures())('%s', (name) => {
  const s = fixtureSession(name);
  const k = s.kernel;
  const problems: WalkProblem[] = [];
  const mods: LoadedModule[] = loadedModules(k, { onProblem: (p) => problems.push(p) });
  const byName = new Map(mods.map((m) => [m.name, m]));

  it('walks the modules list: the modules the guest loaded, all live, no problems', () => {
    expect(problems).toEqual([]);
    for (const m of LOADED) expect(byName.has(m), m).toBe(true);
    // insmod order: the list is LIFO (list_add_rcu at the head), so bridge came last and is first.
    expect(mods[0].name).toBe('bridge');
    expect(mods.at(-1)!.name).toBe('qemu_fw_cfg');
    for (const m of mods) {
      expect(m.state).toBe('MODULE_STATE_LIVE');
      expect(m.base! >= 0xffffffffc0000000n).toBe(true);
      expect(m.size!).toBeGreaterThan(0);
    }
  });

  it("every symbol lies in one of its own module's ranges; __this_module is the struct module", () => {
    for (const m of mods) {
      expect(m.symbols.length).toBeGreaterThan(10);
      for (const sym of m.symbols) {
        const inside = m.ranges.some((r) => sym.address >= r.base && sym.address < r.base + BigInt(r.size));
        expect(inside, `${sym.name} [${m.name}]`).toBe(true);
      }
      expect(m.symbols.find((x) => x.name === '__this_module')?.address).toBe(m.address);
    }
  });

  it('symbolize names module functions with [module]; trySymbol finds module globals', () => {
    const xmit = k.trySymbol('dummy_xmit');
    expect(xmit).toBe(byName.get('dummy')!.symbols.find((x) => x.name === 'dummy_xmit')!.address);
    expect(k.symbolize(xmit!)).toBe('dummy_xmit [dummy]');
    expect(k.symbolize(xmit! + 0x12n)).toBe('dummy_xmit+0x12 [dummy]');
    expect(k.symbol('br_dev_xmit')).toBe(byName.get('bridge')!.symbols.find((x) => x.name === 'br_dev_xmit')!.address);
    // "module:name" as kallsyms_lookup_name takes it: every module has its own __this_module.
    expect(k.trySymbol('veth:__this_module')).toBe(byName.get('veth')!.address);
    // vmlinux stays primary: a vmlinux name never resolves into a module.
    expect(k.symbolize(k.symbol('tcp_v4_rcv'))).toBe('tcp_v4_rcv');
    expect(k.trySymbol('no_such_symbol_anywhere')).toBeUndefined();
  });

  it("a dummy device's netdev_ops pointer names dummy_netdev_ops [dummy]", () => {
    const devs = netDevices(k, netNamespaces(k));
    const dummy0 = devs.find((d) => d.name === 'dummy0');
    expect(dummy0).toBeDefined();
    const ops = k.ptr(dummy0!.address, k.field('struct net_device', 'netdev_ops'));
    expect(k.symbolize(ops)).toBe('dummy_netdev_ops [dummy]');
  });

  it('moduleSymbolTable: one sorted table of ModuleSymbols', () => {
    const t = moduleSymbolTable(k);
    expect(t.size).toBe(mods.reduce((n, m) => n + m.symbols.length, 0));
    const near = t.nearest(k.symbol('dummy_xmit') + 1n)!;
    expect(near.symbol.name).toBe('dummy_xmit');
    expect((near.symbol as ModuleSymbol).module).toBe('dummy');
    expect(near.offset).toBe(1n);
  });
});

describe.runIf(presentFixtures().includes('bullseye-5.10'))('bullseye-5.10 against the guest /proc/kallsyms', () => {
  const k = fixtureSession('bullseye-5.10').kernel;
  // "ffffffffc02d40c0 t dummy_xmit\t[dummy]"
  const proc = readFileSync(join(fixtureDir('bullseye-5.10'), 'kallsyms'), 'latin1')
    .split('\n')
    .filter((l) => l.includes('\t['))
    .map((l) => {
      const [addr, type, rest] = l.split(' ');
      const [symName, mod] = rest.split('\t');
      return { address: BigInt('0x' + addr), type, name: symName, module: mod.slice(1, -1) };
    });
  const mine = loadedModules(k).flatMap((m) => m.symbols);

  it('every symbol of module dummy: address and type letter exactly', () => {
    const want = proc.filter((p) => p.module === 'dummy');
    expect(want.length).toBe(19);
    const got = mine.filter((m) => m.module === 'dummy');
    const line = (x: { address: bigint; type: string; name: string }) => `${x.address.toString(16)} ${x.type} ${x.name}`;
    expect(got.map(line).sort()).toEqual(want.map(line).sort());
    expect(got.find((x) => x.name === 'dummy_setup')).toMatchObject({ address: 0xffffffffc02d41c0n, type: 't' });
  });

  it('all 1779 module symbols, upper case exactly where the kernel exports them (llc_sap_open T)', () => {
    const key = (x: { address: bigint; type: string; name: string; module: string }) =>
      `${x.address.toString(16)} ${x.type} ${x.name} [${x.module}]`;
    expect(mine.length).toBe(proc.length);
    expect(new Set(mine.map(key))).toEqual(new Set(proc.map(key)));
    expect(mine.find((x) => x.name === 'llc_sap_open')?.type).toBe('T');
    expect(mine.find((x) => x.name === 'garp_request_join')?.type).toBe('t'); // EXPORT_SYMBOL_GPL: lower case
  });
});

describe('the modules command', () => {
  it('lists every loaded module with its size and base, as lsmod would', async () => {
    const { fixtureSession } = await import('../support/fixtures.js');
    const { runLine } = await import('../../src/shell/dispatch.js');
    const s = fixtureSession('bookworm-6.1');
    const rows = JSON.parse(runLine(s, 'lsmod --json').lines.join('\n'));
    const walked = loadedModules(s.kernel);
    expect(rows.map((r: { name: string }) => r.name)).toEqual(walked.map((m) => m.name));
    const dummy = rows.find((r: { name: string }) => r.name === 'dummy');
    expect(dummy.state).toBe('MODULE_STATE_LIVE');
    expect(BigInt(dummy.base) >= 0xffffffffc0000000n).toBe(true);
    expect(dummy.size).toBeGreaterThan(4096);
  });
});
