// crash's `list` over a list_head, `files PID` (every open fd by name) and `kmem ADDR` (the
// slab cache an address lies in).

import { UsageError, type Command } from '../command.js';
import type { Session } from '../../views/session.js';
import type { FileRow } from '../../views/inspect.js';
import type { RowSpec } from '../../views/table.js';
import { tableOutput } from '../../report/table.js';
import { problemLines } from '../../report/model.js';

const hex = (v: bigint) => v.toString(16);
/** Entries a `list` walks at most. */
const LIST_LIMIT = 100_000;

/** HEAD as crash takes it: ADDR, SYMBOL[+OFF], or SYMBOL.member (a list_head inside a global). */
function headAddress(s: Session, word: string): bigint {
  const dot = word.indexOf('.');
  if (dot <= 0 || /^(0x)?[0-9a-f]+$/i.test(word)) return s.inspect.address(word, 'HEAD');
  const name = word.slice(0, dot);
  const type = s.inspect.symbolType(name);
  if (!type) throw new UsageError(`list: no BTF type for '${name}'`);
  const off = s.inspect.memberOffset(type, word.slice(dot + 1));
  if (off === undefined) throw new UsageError(`list: ${type} has no member '${word.slice(dot + 1)}'`);
  return s.inspect.address(name) + off;
}

export const listCommand: Command = {
  name: 'list',
  options: [],
  ownOptions: [
    { name: 'head', short: 'H', type: 'boolean', help: 'ADDR is the list_head the list hangs from (not an entry)' },
    { name: 'offset', short: 'o', type: 'string', arg: 'TYPE.MEMBER|N', help: 'where the list_head lies in each entry' },
    { name: 'struct', short: 's', type: 'string', arg: 'TYPE[.MEMBER,…]', help: 'print each entry as TYPE (or those members)' },
  ],
  synopsis: 'list [-o TYPE.MEMBER|N] [-s TYPE[.MEMBER,…]] [-H] ADDR',
  summary: 'walk a list_head (crash: list), bounded and cycle-detecting',
  details: [
    'ADDR: an address, SYMBOL[+OFF] or SYMBOL.member (a list_head inside a global).',
    '-H: ADDR is the list head itself (not printed); without it ADDR is the first entry (its list_head at -o).',
    `At most ${LIST_LIMIT} entries; a cycle or a bad pointer ends the walk with one line.`,
  ],
  examples: ['list -H init_net.dev_base_head -o net_device.dev_list -s net_device.name', 'list -H net_namespace_list -o net.list'],
  run(s, inv) {
    const o = inv.line.options;
    const word = inv.args[0];
    if (!word) throw new UsageError('usage: list [-o TYPE.MEMBER|N] [-s TYPE[.MEMBER,…]] [-H] ADDR');
    let offset = 0n;
    if (typeof o.offset === 'string') {
      const dot = o.offset.indexOf('.');
      if (/^(0x[0-9a-f]+|\d+)$/i.test(o.offset)) offset = BigInt(o.offset);
      else if (dot > 0) {
        const spec = s.inspect.typeSpec(o.offset.slice(0, dot));
        const off = s.inspect.memberOffset(spec, o.offset.slice(dot + 1));
        if (off === undefined) throw new UsageError(`list -o: ${spec} has no member '${o.offset.slice(dot + 1)}'`);
        offset = off;
      } else throw new UsageError(`list -o: '${o.offset}' is not TYPE.MEMBER or a number`);
    }
    const start = headAddress(s, word);
    // -H: ADDR is the list_head itself; without it ADDR is the first entry (a struct, whose
    // list_head lies at -o), printed first as crash does
    const head = o.head ? start : start + offset;
    const walk = s.inspect.list(head, offset, LIST_LIMIT);
    const entries = o.head ? walk.entries : [start, ...walk.entries];
    const lines: string[] = [];
    let show: ((a: bigint) => string[]) | undefined;
    if (typeof o.struct === 'string') {
      const dot = o.struct.indexOf('.');
      const spec = s.inspect.typeSpec(dot < 0 ? o.struct : o.struct.slice(0, dot));
      if (!s.inspect.hasType(spec)) throw new UsageError(`list -s: no type '${o.struct}' in BTF`);
      const members = dot < 0 ? [] : o.struct.slice(dot + 1).split(',').filter(Boolean);
      show = (a) => (members.length ? s.inspect.structMembers(spec, a, members) : s.inspect.struct(spec, a, 2));
    }
    for (const e of entries) {
      lines.push(hex(e));
      if (show) {
        try {
          lines.push(...show(e));
        } catch (err) {
          lines.push(`  <unreadable: ${(err as Error).message}>`);
        }
      }
    }
    const problems = problemLines(walk.problems);
    return { kind: 'text', lines: [...lines, ...problems], data: { head: '0x' + hex(head), entries: entries.map((e) => '0x' + hex(e)), problems: walk.problems.map((p) => ({ ...p, address: '0x' + hex(p.address) })) } };
  },
};

const FILES_SPEC: RowSpec<FileRow> = {
  columns: [
    { key: 'fd', title: 'FD', align: 'right', text: (r) => String(r.fd), json: (r) => r.fd },
    { key: 'file', title: 'FILE', text: (r) => hex(r.file), json: (r) => '0x' + hex(r.file) },
    { key: 'path', title: 'PATH', text: (r) => r.path },
  ],
  extra: (r) => ({ fop: r.fop }),
  ref: (r) => ({ kind: 'struct', type: 'struct file', address: r.file }),
};

export const filesCommand: Command = {
  name: 'files',
  options: [],
  synopsis: 'files PID',
  summary: "every open file of a process, named as /proc/PID/fd shows them (crash: files)",
  examples: ['files 1'],
  run(s, inv) {
    const pid = Number(inv.args[0]);
    if (!inv.args[0] || !Number.isInteger(pid) || pid < 0) throw new UsageError('usage: files PID');
    const r = s.inspect.files(pid);
    if (!r) throw new UsageError(`files: no process with pid ${pid}`);
    return tableOutput(FILES_SPEC, r.files, {
      title: `PID: ${pid}  TASK: ${hex(r.task.address)}  COMMAND: "${r.task.comm}"`,
      notes: problemLines(r.problems),
    });
  },
};

export const kmemCommand: Command = {
  name: 'kmem',
  options: [],
  synopsis: 'kmem ADDR',
  summary: 'the slab cache and object an address lies in (crash: kmem ADDR)',
  examples: ['kmem ffff8d6b02d35100'],
  run(s, inv) {
    if (!inv.args[0]) throw new UsageError('usage: kmem ADDR');
    const a = s.inspect.address(inv.args[0]);
    let h;
    try {
      h = s.inspect.slab(a);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const data = {
      address: '0x' + hex(a), page: '0x' + hex(h.page), cache: h.cache === undefined ? null : '0x' + hex(h.cache), name: h.name ?? null,
      objectSize: h.objectSize ?? null, object: h.object === undefined ? null : '0x' + hex(h.object), offset: h.offset ?? null,
    };
    if (h.cache === undefined) return { kind: 'text', lines: [`${hex(a)}: not a slab object (page ${hex(h.page)} belongs to no slab cache)`], data };
    return {
      kind: 'text',
      data,
      lines: [
        'CACHE             OBJSIZE  NAME',
        `${hex(h.cache)} ${String(h.objectSize).padStart(8)}  ${h.name}`,
        '  PAGE              OBJECT            OFFSET',
        `  ${hex(h.page)}  ${hex(h.object!)}  +0x${h.offset!.toString(16)}`,
      ],
    };
  },
};
