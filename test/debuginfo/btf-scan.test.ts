// The scan and name index in wasm (btf-scan.ts) against the JavaScript ones (scanTypes,
// BtfNameIndex.buildFrom): the same type offsets and the same answers for every name, on a
// real kernel's BTF (dumps/bullseye-5.10/vmlinux.btf) and on records the scan refuses.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Btf, BtfKind } from '../../src/debuginfo/btf.js';
import { btfArena, useWasmScan } from '../../src/debuginfo/btf-scan.js';
import { BTF_SCAN_WASM_BASE64 } from '../../src/debuginfo/wasm/btf-scan-wasm.js';
import { BtfBuilder } from './btf-builder.js';

const REAL = path.join(import.meta.dirname, '../../dumps/bullseye-5.10/vmlinux.btf');

afterEach(() => useWasmScan(true));

function both(blob: Buffer): { wasm: Btf; js: Btf } {
  useWasmScan(true);
  const wasm = Btf.parse(blob);
  useWasmScan(false);
  const js = Btf.parse(blob);
  useWasmScan(true);
  return { wasm, js };
}

describe('BTF scan in wasm', () => {
  it('is the same bytes as the committed btf-scan.wasm (build.sh writes both)', () => {
    const file = fs.readFileSync(path.join(import.meta.dirname, '../../src/debuginfo/wasm/btf-scan.wasm'));
    expect(Buffer.from(BTF_SCAN_WASM_BASE64, 'base64').equals(file)).toBe(true);
  });

  it.runIf(fs.existsSync(REAL))('finds every type where the JavaScript scan does, and every name alike', () => {
    const { wasm, js } = both(fs.readFileSync(REAL));
    expect(wasm.typeCount).toBe(js.typeCount);
    const kinds = [BtfKind.Struct, BtfKind.Union, BtfKind.Enum, BtfKind.Enum64, BtfKind.Fwd, BtfKind.Typedef, BtfKind.Int, BtfKind.Float, BtfKind.Var, BtfKind.Func];
    let named = 0;
    for (let id = 1; id <= js.typeCount; id += 7) {
      expect(wasm.kind(id)).toBe(js.kind(id));
      const name = js.name(id);
      expect(wasm.name(id)).toBe(name);
      if (!name || !kinds.includes(js.kind(id))) continue;
      named++;
      expect(wasm.findAll(name, kinds)).toEqual(js.findAll(name, kinds));
    }
    expect(named).toBeGreaterThan(1000);
    for (const spec of ['struct sock', 'struct net', 'u32', 'int', 'struct no_such_type', 'enum tcp_ca_state', 'union bpf_attr', 'struct sock *']) {
      expect(wasm.findType(spec)).toBe(js.findType(spec));
    }
    expect(wasm.findVar('runqueues')).toEqual(js.findVar('runqueues'));
  });

  it.runIf(fs.existsSync(REAL))('scans a blob read into its arena where it lies', () => {
    const file = fs.readFileSync(REAL);
    const room = btfArena(file.length);
    expect(room).toBeDefined();
    file.copy(room!);
    const btf = Btf.parse(room!);
    expect(btf.findType('struct sock')).toBe(Btf.parse(file).findType('struct sock'));
  });

  it('finds names that share a hash bucket, and same-named types in id order', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    const ids: number[] = [];
    for (let i = 0; i < 200; i++) ids.push(b.struct(`s${i}`, 4, [{ name: 'x', type: int, bitOffset: 0 }]));
    const dup = b.struct('s7', 8, [{ name: 'y', type: int, bitOffset: 0 }]);
    const { wasm, js } = both(b.build());
    for (let i = 0; i < 200; i++) expect(wasm.findType(`struct s${i}`)).toBe(ids[i]);
    expect(wasm.findAll('s7', [BtfKind.Struct])).toEqual([ids[7], dup]);
    expect(wasm.findAll('s7', [BtfKind.Struct])).toEqual(js.findAll('s7', [BtfKind.Struct]));
    expect(wasm.findType('struct s200')).toBeUndefined();
    expect(wasm.findType('struct s1\u0100')).toBeUndefined();
  });

  it('leaves a bad record to the JavaScript scan, which names it', () => {
    const blob = new BtfBuilder().build();
    const bad = Buffer.concat([blob.subarray(0, 24), Buffer.from([0, 0, 0, 0, 0, 0, 0, 31, 0, 0, 0, 0]), blob.subarray(24)]);
    bad.writeUInt32LE(blob.readUInt32LE(12) + 12, 12); // type_len
    bad.writeUInt32LE(blob.readUInt32LE(16) + 12, 16); // str_off
    useWasmScan(true);
    expect(() => Btf.parse(bad)).toThrow(/unknown kind 31/);
  });
});
