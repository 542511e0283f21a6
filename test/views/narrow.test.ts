// At 80 columns (stdout a terminal that wide) the socket tables keep PID/Program whole: the
// addresses and the netns give way, cut from the left so that the port stays.
import { describe, expect, it } from 'vitest';
import { runLine } from '../../src/shell/dispatch.js';
import { renderTable } from '../../src/report/text.js';
import { fixtureSession } from '../support/fixtures.js';
import type { TableOutput } from '../../src/report/model.js';

const FIXTURES = ['bookworm-6.1', 'bullseye-5.10', 'trixie-6.12', 'sid-7.2-host'];

describe.each(FIXTURES)('80 columns on dumps/%s', (name) => {
  const session = fixtureSession(name);

  it('-atp at width 80: every line fits, every program whole, every port kept', () => {
    const rows: { local: string; owners: { pid: number; comm: string }[] }[] = JSON.parse(runLine(session, '-at --json').lines.join('\n'));
    const wide = runLine(session, '-atp').lines;
    const narrow = runLine(session, '-atp', { width: 80 }).lines;
    expect(narrow.length).toBe(wide.length);
    expect(narrow[0]).toMatch(/PID\/Program name$/);
    for (const [i, r] of rows.entries()) {
      const line = narrow[i + 1];
      const owner = r.owners.length ? [...new Set(r.owners.map((o) => `${o.pid}/${o.comm}`))].join(',') : '-';
      expect(line.endsWith(' ' + owner), line).toBe(true);
      // the local port survives the cut
      expect(line, r.local).toContain(':' + r.local.split(':').pop());
      if (owner.length <= 16) expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });

  it('a wide terminal, a pipe or grep: the table as it is', () => {
    expect(runLine(session, '-atp', { width: 400 }).lines).toEqual(runLine(session, '-atp').lines);
    expect(runLine(session, '-atp | grep LISTEN', { width: 40 }).lines).toEqual(runLine(session, '-atp | grep LISTEN').lines);
  });
});

describe('renderTable fit', () => {
  it('cuts shrinkable columns from the left, titles from the right, down to their minimum', () => {
    const t: TableOutput = {
      kind: 'table',
      columns: [{ key: 'a', title: 'Address', shrink: 6 }, { key: 'p', title: 'Program' }],
      rows: [{ cells: { a: '192.168.100.200:8080', p: '1/init' }, data: {}, ref: undefined }],
    };
    expect(renderTable(t, 14)).toEqual(['Addres Program', '…:8080 1/init']);
    expect(renderTable(t, 6)).toEqual(['Addres Program', '…:8080 1/init']); // never below the minimum
    expect(renderTable(t, 20)).toEqual(['Address      Program', '…00.200:8080 1/init']);
    expect(renderTable(t)).toEqual(['Address              Program', '192.168.100.200:8080 1/init']);
  });
});
