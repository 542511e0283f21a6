// A test mode that makes a stale page visible. page() hands out the cache's own memory, which
// the cache overwrites once the page has been evicted and its memory reused (page-cache.ts):
// a caller must not keep a page, or a view into it, across its next read of another page. In
// this mode each page() of another page than the last hands out a fresh copy and fills the
// copy handed out before with 0xa5 bytes: a caller that holds one across a read then reads
// non-canonical pointers and absurd numbers, and its output differs.
// Turned on by OpenOptions.poisonPages or XPORTSHOW_POISON_PAGES=1 (the whole suite can run so).

const POISON = 0xa5;

export class PagePoison {
  private lastPfn = -1;
  private last: Buffer | undefined;

  /** `page` (the cache's) as the caller may hold it until its next read of another page. */
  lease(pfn: number, page: Buffer): Buffer {
    if (pfn === this.lastPfn && this.last !== undefined) return this.last;
    this.last?.fill(POISON);
    const copy = Buffer.allocUnsafeSlow(page.length);
    page.copy(copy);
    this.last = copy;
    this.lastPfn = pfn;
    return copy;
  }
}

/** Whether the environment asks for poisoned pages (XPORTSHOW_POISON_PAGES set, not 0). */
export function poisonFromEnv(): boolean {
  const v = process.env['XPORTSHOW_POISON_PAGES'];
  return v !== undefined && v !== '' && v !== '0';
}
