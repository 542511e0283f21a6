// One fuzz case at a time, in a child process the runner can kill when a case hangs: open the
// damaged copy, run every view, report bugs ("internal error", a throw out of opening that is
// not ours) and, for detectable damage, records the undamaged dump does not have.

import { Session } from '../../src/views/session.js';
import { userMessage } from '../../src/shell/dispatch.js';
import { invented, runViews } from './views.js';

export interface CaseRequest {
  id: number;
  path: string;
  original: string;
  compare: boolean;
}
export interface CaseReply {
  id: number;
  failures: string[];
  opened: boolean;
  ms: number;
}

const good = new Map<string, Map<string, string[]>>();
function goodRecords(path: string): Map<string, string[]> {
  let g = good.get(path);
  if (!g) {
    const s = Session.open(path);
    g = new Map(runViews(s).map((v) => [v.view, v.records]));
    s.close();
    good.set(path, g);
  }
  return g;
}

export function runCase(req: CaseRequest): CaseReply {
  const t0 = performance.now();
  const failures: string[] = [];
  let s: Session | undefined;
  try {
    s = Session.open(req.path);
  } catch (e) {
    const m = userMessage(e);
    if (/^internal error/.test(m) || !(e instanceof Error)) failures.push(`open: ${m}\n${(e as Error)?.stack ?? ''}`);
    return { id: req.id, failures, opened: false, ms: performance.now() - t0 };
  }
  try {
    const outs = runViews(s);
    const g = req.compare ? goodRecords(req.original) : undefined;
    for (const o of outs) {
      if (o.internal) failures.push(`${o.view}: ${o.internal}`);
      if (g) {
        const bad = invented(g.get(o.view) ?? [], o.records);
        if (bad.length) failures.push(`${o.view}: ${bad.length} record(s) not in the undamaged dump, e.g. ${bad.slice(0, 2).join(' | ')}`);
      }
    }
  } catch (e) {
    failures.push(`uncaught: ${(e as Error)?.stack ?? String(e)}`);
  } finally {
    s.close();
  }
  return { id: req.id, failures, opened: true, ms: performance.now() - t0 };
}

if (process.send) {
  process.on('message', (req: CaseRequest) => {
    let reply: CaseReply;
    try {
      reply = runCase(req);
    } catch (e) {
      reply = { id: req.id, failures: [`uncaught: ${(e as Error)?.stack ?? String(e)}`], opened: false, ms: 0 };
    }
    process.send!(reply);
  });
  process.send({ ready: true });
}
