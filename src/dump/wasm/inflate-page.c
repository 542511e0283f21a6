/*
 * One zlib page (makedumpfile compress2()) decoded by libdeflate, built for wasm32 without a
 * libc by build.sh, which names the libdeflate source it compiles this against.
 *
 * libdeflate's decompressor is compiled into this one file, so nothing needs malloc: one
 * static decompressor, zeroed as libdeflate_alloc_decompressor() would zero it. Adler-32 is
 * done here with wasm SIMD: libdeflate's portable version took a sixth of a page's time.
 *
 * JS writes the compressed bytes at `in` and asks for exactly `out_len` bytes at `out`; the
 * result is 0 only for a clean stream: a valid header, deflate data that decodes to exactly
 * out_len bytes, a matching Adler-32 trailer, and every input byte consumed.
 */
#define FREESTANDING
#include "lib/deflate_decompress.c"
#include "lib/zlib_decompress.c"

#include <wasm_simd128.h>

/* -ffreestanding: libdeflate maps these to builtins, which may still call them. */
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
void *memset(void *s, int c, size_t n) { return __builtin_memset(s, c, n); }
void *memcpy(void *d, const void *s, size_t n) { return __builtin_memcpy(d, s, n); }
void *memmove(void *d, const void *s, size_t n) { return __builtin_memmove(d, s, n); }
int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;
	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return (int)p[i] - (int)q[i];
	return 0;
}
/* Referenced by libdeflate_alloc_decompressor_ex(), which is never called here. */
malloc_func_t libdeflate_default_malloc_func = NULL;
free_func_t libdeflate_default_free_func = NULL;

#define ADLER_MOD 65521

/*
 * Adler-32 of 16-byte blocks at a time. For blocks b_0..b_{k-1} of a chunk of n = 16k bytes,
 * starting from (s1, s2): s1 += all bytes; s2 += n*s1 + 16*(for each block, the bytes of the
 * blocks before it) + (for each block, sum of (16-i)*byte_i). The lanes of v_prev grow fastest,
 * to 1020*k*(k-1)/2 after k blocks: a chunk of 2048 blocks keeps them below 2^32. The lanes are
 * combined in 64 bits, then reduced.
 */
uint32_t libdeflate_adler32(uint32_t adler, const void *buffer, size_t len)
{
	const u8 *p = buffer;
	u64 s1 = adler & 0xFFFF;
	u64 s2 = adler >> 16;
	const v128_t w_lo = wasm_i16x8_make(16, 15, 14, 13, 12, 11, 10, 9);
	const v128_t w_hi = wasm_i16x8_make(8, 7, 6, 5, 4, 3, 2, 1);

	while (len >= 16) {
		size_t n = (len < 2048 * 16 ? len : 2048 * 16) & ~(size_t)15;
		v128_t v_s1 = wasm_i32x4_splat(0);
		v128_t v_prev = wasm_i32x4_splat(0);
		v128_t v_s2 = wasm_i32x4_splat(0);
		len -= n;
		s2 += s1 * n;
		for (const u8 *end = p + n; p != end; p += 16) {
			v128_t b = wasm_v128_load(p);
			v_prev = wasm_i32x4_add(v_prev, v_s1);
			v_s1 = wasm_i32x4_add(v_s1, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(b)));
			v_s2 = wasm_i32x4_add(v_s2, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(b), w_lo));
			v_s2 = wasm_i32x4_add(v_s2, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(b), w_hi));
		}
		u64 a = 0, c = 0, d = 0;
		a += wasm_u32x4_extract_lane(v_s1, 0) + (u64)wasm_u32x4_extract_lane(v_s1, 1) +
		     wasm_u32x4_extract_lane(v_s1, 2) + (u64)wasm_u32x4_extract_lane(v_s1, 3);
		c += wasm_u32x4_extract_lane(v_prev, 0) + (u64)wasm_u32x4_extract_lane(v_prev, 1) +
		     wasm_u32x4_extract_lane(v_prev, 2) + (u64)wasm_u32x4_extract_lane(v_prev, 3);
		d += wasm_u32x4_extract_lane(v_s2, 0) + (u64)wasm_u32x4_extract_lane(v_s2, 1) +
		     wasm_u32x4_extract_lane(v_s2, 2) + (u64)wasm_u32x4_extract_lane(v_s2, 3);
		s1 = (s1 + a) % ADLER_MOD;
		s2 = (s2 + 16 * c + d) % ADLER_MOD;
	}
	while (len--) {
		s1 += *p++;
		s2 += s1;
	}
	s1 %= ADLER_MOD;
	s2 %= ADLER_MOD;
	return (uint32_t)(s2 << 16 | s1);
}

static struct libdeflate_decompressor decompressor; /* static, so zeroed */

/* 0: clean; 1: bad data; 2: short output; 3: output too small; 4: input not all consumed. */
__attribute__((export_name("inflate_page")))
int inflate_page(const u8 *in, size_t in_len, u8 *out, size_t out_len)
{
	size_t in_used = 0;
	enum libdeflate_result r = libdeflate_zlib_decompress_ex(&decompressor, in, in_len, out, out_len, &in_used, NULL);
	if (r != LIBDEFLATE_SUCCESS)
		return (int)r;
	return in_used == in_len ? 0 : 4;
}

/* For tests: Adler-32 of `len` bytes at `p`. */
__attribute__((export_name("adler32")))
uint32_t adler32(const u8 *p, size_t len)
{
	return libdeflate_adler32(1, p, len);
}
