// `info`, `struct`, `sym`, `rd` on every fixture, against the guest's own uname and kallsyms.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { presentFixtures, fixtureSession, fixtureTruth } from '../support/fixtures.js';
import { fixtureDir, truthHz } from '../support/truth.js';
import { dumpInfo } from '../../src/shell/commands/info.js';
import { runLine } from '../../src/shell/dispatch.js';
import { utsname } from '../../src/kernel/uts.js';

describe.each(presentFixtures())('%s', (name) => {
  const s = fixtureSession(name);
  const truth = fixtureTruth(name);

  it('info matches the guest: release, machine, CPUs', () => {
    const i = dumpInfo(s);
    expect(i.release).toBe(truth.release);
    expect(i.machine).toBe(truth.uname.machine);
    expect(i.cpus).toBe(truth.cpus);
    expect(i.format).toBe('kdump');
    expect(i.pagesPresent).toBeGreaterThan(1000);
    expect(i.buildId).toBe(truth.meta?.buildId);
  });

  it('uptime from the timekeeper is no earlier than the guest printed it', () => {
    const i = dumpInfo(s);
    expect(i.uptimeSec).toBeGreaterThanOrEqual(truth.uptime - 0.5);
    expect(i.uptimeSec).toBeLessThan(truth.uptime + 120);
    const hz = truthHz(truth);
    expect(hz).toBeDefined();
    expect(i.hz).toBe(hz);
  });

  it('struct new_utsname read from init_uts_ns equals uname', () => {
    const u = utsname(s.kernel);
    expect(u).toMatchObject({
      sysname: truth.uname.sysname,
      nodename: truth.uname.nodename,
      release: truth.uname.release,
      version: truth.uname.version,
      machine: truth.uname.machine,
    });
    const r = runLine(s, 'struct uts_namespace init_uts_ns');
    expect(r.error).toBeUndefined();
    expect(r.lines.join('\n')).toContain(`release = "${truth.uname.release}"`);
  });

  it('sym and rd read the kernel', () => {
    const r = runLine(s, 'sym init_net --json');
    const j = JSON.parse(r.lines.join('\n'));
    expect(j[0].name).toBe('init_net');
    const back = runLine(s, `sym ${j[0].address}`);
    expect(back.lines[0]).toMatch(/ init_net$/);
    const rd = runLine(s, 'rd init_uts_ns 4');
    expect(rd.lines).toHaveLength(2);
  });
});

describe('symbols agree with the guest on 5.10 (found in the dump by shape)', () => {
  it('matches /proc/kallsyms saved by the guest', () => {
    const s = fixtureSession('bullseye-5.10');
    expect(s.kernel.sources.symbols).toMatch(/shape/);
    const text = readFileSync(join(fixtureDir('bullseye-5.10'), 'kallsyms'), 'utf8');
    const want = new Map<string, bigint>();
    for (const line of text.split('\n')) {
      const [a, , n, mod] = line.split(/\s+/);
      if (n && !mod && !want.has(n)) want.set(n, BigInt('0x' + a));
    }
    for (const n of ['init_net', 'tcp_hashinfo', 'unix_socket_table', 'init_task', 'socket_file_ops', 'jiffies_64']) {
      expect(s.kernel.trySymbol(n), n).toBe(want.get(n));
    }
  });
});

describe('symbols renamed by clang ThinLTO', () => {
  it('are found by the name they had (name.llvm.<hash>)', async () => {
    const { Kernel } = await import('../../src/kernel/kernel.js');
    const { SortedSymbolTable } = await import('../../src/debuginfo/symbol-table.js');
    const k = fixtureSession('bookworm-6.1').kernel;
    const renamed = SortedSymbolTable.fromSymbols(
      k.symbols.all().map((x) => (x.name === 'tk_core' ? { ...x, name: 'tk_core.llvm.1234567890' } : x)),
      'test: an LTO-renamed table',
    );
    const lto = new Kernel(k.dump, k.mem, k.btf, renamed, k.info, k.sources, k.kaslrOffset);
    expect(renamed.lookup('tk_core')).toBeUndefined();
    expect(lto.trySymbol('tk_core')).toBe(k.trySymbol('tk_core'));
  });
});

describe.each(presentFixtures())('per-CPU variables of %s', (name) => {
  it("each CPU's copy of this_cpu_off holds that CPU's own __per_cpu_offset", () => {
    const k = fixtureSession(name).kernel;
    const offsets = k.perCpuOffsets();
    expect(offsets).toHaveLength(fixtureTruth(name).cpus);
    const v = k.symbol('this_cpu_off'); // DECLARE_PER_CPU_READ_MOSTLY(unsigned long, this_cpu_off)
    offsets.forEach((off, cpu) => expect(k.mem.u64(k.perCpu(v, cpu))).toBe(off));
  });
});
