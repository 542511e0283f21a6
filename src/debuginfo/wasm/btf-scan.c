/*
 * The one pass over a BTF type section that opening needs (src/debuginfo/btf-scan.ts): where
 * each type record starts, and the name index of every namespace but functions, hashed from
 * the string section's bytes. In JavaScript this ran once, cold (interpreted until V8 had
 * optimized it): ~2 ms for the scan and ~4 ms for the index of 6.1's 100,000 types; here, well
 * under a millisecond. Built for wasm32 without a libc by build.sh.
 *
 * JS lays out the memory: the type section's words, the string section, the per-kind tables
 * (extra words, words per vlen item, indexed-namespace flag), and room for the results.
 */
typedef unsigned int u32;
typedef int i32;
typedef unsigned char u8;
typedef signed char i8;

#define FNV_OFFSET 0x811c9dc5u
#define FNV_PRIME 0x01000193u

/*
 * offs[id] = word index of each type from `id` on; the named types of an indexed kind into
 * named[] with the FNV-1a hash of their name in hashes[]. Returns the last id; res[0] = how
 * many are named, res[1] = 0, or 1 when a record is truncated or of an unknown kind (JS scans
 * again to say which, in its own words).
 */
u32 scan(const u32 *words, u32 n, u32 *offs, u32 id, const i8 *extra, const u8 *per, const u8 *indexed,
	 const u8 *strs, u32 slen, u32 *named, u32 *hashes, u32 *res)
{
	u32 w = 0, k = 0;
	res[1] = 1;
	while (w < n) {
		if (n - w < 3)
			return 0;
		offs[id] = w;
		u32 info = words[w + 1];
		u32 kind = (info >> 24) & 0x1f;
		i32 fixed = extra[kind];
		if (fixed < 0)
			return 0;
		u32 p = words[w];
		if (indexed[kind] && p != 0) {
			u32 h = FNV_OFFSET;
			for (; p < slen && strs[p] != 0; p++)
				h = (h ^ strs[p]) * FNV_PRIME;
			named[k] = id;
			hashes[k] = h;
			k++;
		}
		u32 len = 3 + (u32)fixed + per[kind] * (info & 0xffff);
		if (len > n - w)
			return 0;
		w += len;
		id++;
	}
	res[0] = k;
	res[1] = 0;
	return id - 1;
}

/* Chains by hash (heads: mask + 1 buckets, next: per id from `first`), each chain ascending. */
void link(const u32 *named, const u32 *hashes, u32 k, i32 *heads, u32 mask, i32 *next, u32 first)
{
	for (u32 i = k; i-- > 0;) {
		u32 id = named[i];
		u32 b = hashes[i] & mask;
		next[id - first] = heads[b];
		heads[b] = (i32)id;
	}
}
