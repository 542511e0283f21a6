// The seeded fuzz run of the suite: real fixtures (ELF, kdump zlib/lzo/snappy/zstd,
// flattened) damaged in their headers, bitmaps, descriptors, page data, VMCOREINFO, BTF and
// kallsyms pages; each case opened and every view run in a child process with a timeout.
// A time budget, not a case count (XPORTSHOW_FUZZ_BUDGET seconds, default 60); longer runs:
// `npm run fuzz -- --seed N --cases M`.
import { describe, expect, it } from 'vitest';
import { runFuzz } from './run.js';

const BUDGET_S = Number(process.env.XPORTSHOW_FUZZ_BUDGET ?? 60);

describe('fuzzing damaged dumps', () => {
  it(`seed 12, ${BUDGET_S} s: output or our own error, no hang, nothing invented where damage is detectable`, async () => {
    const r = await runFuzz({ seed: 12, cases: 400, budgetMs: BUDGET_S * 1000, timeoutMs: 45_000 });
    const report = r.failures.map((f) => `#${f.c.index} ${f.c.fixture}/${f.c.file} ${f.c.region} ${f.c.op}@${f.c.at}: ${f.why.join('; ')}`);
    expect(report).toEqual([]);
    expect(r.tried).toBeGreaterThanOrEqual(30); // every format several times over
  }, (BUDGET_S + 180) * 1000);
});
