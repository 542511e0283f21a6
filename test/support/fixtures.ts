// Opening the committed real dumps once per test file.

import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { join } from 'node:path';
import { Session } from '../../src/views/session.js';
import { runLine } from '../../src/shell/dispatch.js';
import { fixtureDir, FIXTURE_NAMES, loadTruth, type Truth } from './truth.js';

export { FIXTURE_NAMES };

/** Fixtures whose plain kdump file is in the checkout. */
export function presentFixtures(): string[] {
  return FIXTURE_NAMES.filter((n) => existsSync(join(fixtureDir(n), 'vmcore.kdump')));
}

const sessions = new Map<string, Session>();

/** A session on dumps/<name>/<file>, opened from the dump alone (no --system-map/--btf). */
export function fixtureSession(name: string, file = 'vmcore.kdump'): Session {
  const path = join(fixtureDir(name), file);
  let s = sessions.get(path);
  if (!s) {
    s = Session.open(path);
    sessions.set(path, s);
  }
  return s;
}

const truths = new Map<string, Truth>();
export function fixtureTruth(name: string): Truth {
  let t = truths.get(name);
  if (!t) truths.set(name, (t = loadTruth(fixtureDir(name))));
  return t;
}

/** A command's `--json` output, parsed; the command must not fail. */
export function runJson(s: Session, line: string): any {
  const r = runLine(s, line);
  expect(r.error, `${line}: ${r.error}`).toBeUndefined();
  return JSON.parse(r.lines.join('\n'));
}
