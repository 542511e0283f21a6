import { Session } from '../src/shell/session.js';
import { completeLine } from '../src/shell/complete.js';
const s = Session.open('dumps/bookworm-6.1/vmcore.kdump');
for (const line of ['sym ', 'sym tcp', 'sym thash', 'struct ', 'struct sk']) {
  const t0 = performance.now();
  const c = completeLine(s, line);
  console.log(JSON.stringify(line), c.total, c.candidates.slice(0, 3), (performance.now() - t0).toFixed(0) + 'ms');
}
