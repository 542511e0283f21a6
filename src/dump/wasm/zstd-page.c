/*
 * One zstd page (makedumpfile -z: ZSTD_compress() of one page) decoded by zstd's own
 * decompressor, built for wasm32 without a libc by build.sh, which names the zstd source it
 * compiles this against (the files zstd's single-file decoder, build/single_file_libs/
 * zstddeclib-in.c, takes, with its settings).
 *
 * Nothing needs malloc: one decompression context in static memory, set up by
 * ZSTD_initStaticDCtx() on first use. A page is decoded in one call (ZSTD_decompressDCtx),
 * which keeps no window of its own: the page buffer is the window.
 *
 * JS writes the compressed bytes at `in` and asks for exactly `out_len` bytes at `out`; the
 * result is 0 only for a clean page: one zstd frame that is the whole input, decoding (its
 * checksum checked when it has one) to exactly out_len bytes.
 */
#define DEBUGLEVEL 0
#define MEM_MODULE
#define XXH_NAMESPACE ZSTD_
#define XXH_PRIVATE_API
#define XXH_INLINE_ALL
#define XXH_NO_STDLIB
#define ZSTD_LEGACY_SUPPORT 0
#define ZSTD_STRIP_ERROR_STRINGS
#define ZSTD_TRACE 0
#define ZSTD_DISABLE_ASM 1
#define ZSTD_STATIC_LINKING_ONLY

/* zstd_deps.h, as it invites: builtins instead of a libc, and no allocator (the static
 * context never calls one; ZSTD_customMalloc() is still compiled, so it gets NULL). */
#define ZSTD_DEPS_COMMON
#define ZSTD_DEPS_MALLOC
#define ZSTD_DEPS_MATH64
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#define ZSTD_memcpy(d, s, l) __builtin_memcpy((d), (s), (l))
#define ZSTD_memmove(d, s, l) __builtin_memmove((d), (s), (l))
#define ZSTD_memset(p, v, l) __builtin_memset((p), (v), (l))
#define ZSTD_malloc(s) ((void)(s), (void *)0)
#define ZSTD_calloc(n, s) ((void)(n), (void)(s), (void *)0)
#define ZSTD_free(p) ((void)(p))
#define ZSTD_div64(dividend, divisor) ((dividend) / (divisor))

#include "common/debug.c"
#include "common/entropy_common.c"
#include "common/error_private.c"
#include "common/fse_decompress.c"
#include "common/zstd_common.c"

#include "decompress/huf_decompress.c"
#include "decompress/zstd_ddict.c"
#include "decompress/zstd_decompress.c"
#include "decompress/zstd_decompress_block.c"

/* The compiler may still call these for the builtins above (a string.h of build.sh's own
 * declares them for xxhash.h). */
void *memset(void *s, int c, size_t n) { return __builtin_memset(s, c, n); }
void *memcpy(void *d, const void *s, size_t n) { return __builtin_memcpy(d, s, n); }
void *memmove(void *d, const void *s, size_t n) { return __builtin_memmove(d, s, n); }
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return (int)p[i] - (int)q[i];
	return 0;
}

static ZSTD_DCtx dctx_space; /* ZSTD_estimateDCtxSize() is sizeof(ZSTD_DCtx) */
static ZSTD_DCtx *dctx;

/* 0: clean; 1: no context; 2: not one frame that is the whole input; 3: bad data (zstd's
 * error); 4: decoded to another size. */
__attribute__((export_name("decompress_page")))
int decompress_page(const void *in, size_t in_len, void *out, size_t out_len)
{
	if (!dctx && !(dctx = ZSTD_initStaticDCtx(&dctx_space, sizeof dctx_space)))
		return 1;
	if (ZSTD_findFrameCompressedSize(in, in_len) != in_len)
		return 2;
	size_t r = ZSTD_decompressDCtx(dctx, out, out_len, in, in_len);
	if (ZSTD_isError(r))
		return 3;
	return r == out_len ? 0 : 4;
}
