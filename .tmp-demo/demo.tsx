import React from 'react';
import { render } from 'ink';
import { App } from '../src/shell/app.js';
import { runLine } from '../src/shell/dispatch.js';
import { registerOpener } from '../src/shell/drill.js';
import type { TableOutput } from '../src/report/model.js';
import type { Session } from '../src/shell/session.js';

const session = { path: '/demo/vmcore' } as unknown as Session;
const table = (): TableOutput => ({
  kind: 'table',
  columns: [{ key: 'p', title: 'Proto' }, { key: 'l', title: 'Local Address' }, { key: 'r', title: 'Foreign Address' }, { key: 's', title: 'State' }],
  rows: Array.from({ length: 100 }, (_, i) => ({
    cells: { p: 'tcp', l: `10.0.0.${i}:${9000 + i}`, r: `10.0.1.${i}:${40000 + i}`, s: i % 3 ? 'ESTABLISHED' : 'LISTEN' },
    data: {},
    ref: { kind: 'sock' as const, address: 0xffff888001234000n + BigInt(i * 0x100) },
  })),
});
registerOpener('sock', (_s, ref) => ({
  title: 'sock ' + (ref as { address: bigint }).address.toString(16),
  output: { kind: 'group', parts: [
    { kind: 'text', lines: ['struct sock at ' + (ref as { address: bigint }).address.toString(16), 'state ESTABLISHED', 'rcvbuf 131072'] },
    { kind: 'table', title: 'owners:', columns: [{ key: 'pid', title: 'PID' }, { key: 'c', title: 'COMMAND' }],
      rows: [{ cells: { pid: '5827', c: 'sshd' }, data: {}, ref: { kind: 'task', pid: 5827 } }] },
  ] },
}));
registerOpener('task', (_s, ref) => ({ title: `pid ${(ref as { pid: number }).pid} sshd`, output: { kind: 'text', lines: ['PID: 5827 COMMAND: sshd'] } }));
const run = (line: string) => (line === 'tcp' ? { output: table(), lines: ['(100 rows)'], ms: 2 } : line === 'big' ? { lines: Array.from({ length: 20000 }, (_, i) => 'line ' + i + ' ' + 'x'.repeat(60)), ms: 5 } : runLine(session, line));
const inst = render(<App session={session} historyFile={null} run={run} banner={['demo']} />, { exitOnCtrlC: false });
await inst.waitUntilExit();
