/*
 * kdump-resnappy.c - rewrite a makedumpfile kdump-compressed file (zlib
 * pages) with snappy pages, for a snappy test fixture: no Debian
 * makedumpfile has snappy enabled.
 *
 *   kdump-resnappy IN OUT
 *
 * Everything before the first page's data (headers, sub-header with
 * VMCOREINFO and notes, both bitmaps) is copied byte for byte; the page
 * descriptors are rewritten; each page is inflated and compressed again
 * with snappy (kept plain when snappy does not make it smaller), in the same
 * order, exactly as makedumpfile -p would store it.  Pages sharing one
 * offset (makedumpfile's shared zero page) keep sharing it.  The header's
 * status gets DUMP_DH_COMPRESSED_SNAPPY instead of the zlib bit.
 * Layout: makedumpfile diskdump_mod.h / IMPLEMENTATION.
 *
 * build: gcc -O2 -o kdump-resnappy kdump-resnappy.c -lz -lsnappy
 */
#define _FILE_OFFSET_BITS 64
#include <snappy-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define DUMP_DH_COMPRESSED_ZLIB 0x1
#define DUMP_DH_COMPRESSED_LZO 0x2
#define DUMP_DH_COMPRESSED_SNAPPY 0x4
#define DUMP_DH_COMPRESSED_ZSTD 0x20

/* offsets inside disk_dump_header (x86-64) */
#define OFF_HEADER_VERSION 8
#define OFF_STATUS 424      /* after signature, version, utsname (390) and timeval (at 408) */
#define OFF_BLOCK_SIZE 428
#define OFF_SUB_HDR_SIZE 432
#define OFF_BITMAP_BLOCKS 436
#define OFF_MAX_MAPNR 440
/* offsets inside kdump_sub_header */
#define SOFF_OFFSET_ERASEINFO 64
#define SOFF_SIZE_ERASEINFO 72
#define SOFF_MAX_MAPNR_64 96

struct page_desc {
    int64_t offset;
    uint32_t size;
    uint32_t flags;
    uint64_t page_flags;
};

static void die(const char *m) { perror(m); exit(1); }

static void pread_all(FILE *f, void *buf, size_t n, int64_t off) {
    if (fseeko(f, off, SEEK_SET) || fread(buf, 1, n, f) != n) die("read");
}

static void pwrite_all(FILE *f, const void *buf, size_t n, int64_t off) {
    if (fseeko(f, off, SEEK_SET) || fwrite(buf, 1, n, f) != n) die("write");
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: kdump-resnappy IN OUT\n"); return 2; }
    FILE *in = fopen(argv[1], "rb");
    if (!in) die(argv[1]);
    unsigned char hdr[4096];
    pread_all(in, hdr, 512, 0);
    if (memcmp(hdr, "KDUMP   ", 8) != 0) { fprintf(stderr, "not a kdump-compressed file\n"); return 1; }
    int32_t version, block_size, sub_hdr_size;
    uint32_t status, bitmap_blocks, max_mapnr32;
    memcpy(&version, hdr + OFF_HEADER_VERSION, 4);
    memcpy(&status, hdr + OFF_STATUS, 4);
    memcpy(&block_size, hdr + OFF_BLOCK_SIZE, 4);
    memcpy(&sub_hdr_size, hdr + OFF_SUB_HDR_SIZE, 4);
    memcpy(&bitmap_blocks, hdr + OFF_BITMAP_BLOCKS, 4);
    memcpy(&max_mapnr32, hdr + OFF_MAX_MAPNR, 4);
    if (block_size <= 0 || block_size > 65536) { fprintf(stderr, "odd block size\n"); return 1; }
    size_t bs = (size_t)block_size;
    unsigned char *sub = malloc(bs);
    pread_all(in, sub, bs, (int64_t)bs);
    uint64_t max_mapnr = max_mapnr32;
    if (version >= 6) memcpy(&max_mapnr, sub + SOFF_MAX_MAPNR_64, 8);

    /* 2nd bitmap: pages present in the dump */
    size_t half = (size_t)bitmap_blocks / 2 * bs;
    unsigned char *bm2 = malloc(half);
    int64_t bm2_off = (int64_t)(1 + sub_hdr_size) * block_size + (int64_t)half;
    pread_all(in, bm2, half, bm2_off);
    uint64_t ndesc = 0;
    for (uint64_t pfn = 0; pfn < max_mapnr && pfn / 8 < half; pfn++)
        if (bm2[pfn >> 3] & (1u << (pfn & 7))) ndesc++;
    int64_t desc_off = (int64_t)(1 + sub_hdr_size + (int64_t)bitmap_blocks) * block_size;
    struct page_desc *pd = malloc(ndesc * sizeof *pd);
    pread_all(in, pd, ndesc * sizeof *pd, desc_off);

    int64_t first = INT64_MAX;
    for (uint64_t i = 0; i < ndesc; i++)
        if (pd[i].offset > 0 && pd[i].offset < first) first = pd[i].offset;
    if (first == INT64_MAX) { fprintf(stderr, "no pages\n"); return 1; }

    FILE *out = fopen(argv[2], "w+b");
    if (!out) die(argv[2]);
    /* copy the prefix as is */
    unsigned char *buf = malloc(1 << 20);
    for (int64_t off = 0; off < first;) {
        size_t n = (size_t)((first - off) < (1 << 20) ? (first - off) : (1 << 20));
        pread_all(in, buf, n, off);
        pwrite_all(out, buf, n, off);
        off += (int64_t)n;
    }
    unsigned char *page = malloc(bs), *cin = malloc(2 * bs);
    size_t smax = snappy_max_compressed_length(bs);
    char *sbuf = malloc(smax);
    int64_t wpos = first;
    /* pages already written, by input offset: the shared zero page (the
       first data page, which makedumpfile uses for zero pages excluded at
       write time) and the previous page */
    struct page_desc zero_new = {-1, 0, 0, 0}, last_new = {-1, 0, 0, 0};
    int64_t last_in = -1;
    uint64_t nsnappy = 0, nplain = 0, nshared = 0;
    for (uint64_t i = 0; i < ndesc; i++) {
        if (pd[i].offset == first && zero_new.offset >= 0) {
            pd[i].offset = zero_new.offset; pd[i].size = zero_new.size; pd[i].flags = zero_new.flags;
            nshared++;
            continue;
        }
        if (pd[i].offset == last_in) {
            pd[i].offset = last_new.offset; pd[i].size = last_new.size; pd[i].flags = last_new.flags;
            nshared++;
            continue;
        }
        if (pd[i].size > 2 * bs) { fprintf(stderr, "page %llu too big\n", (unsigned long long)i); return 1; }
        pread_all(in, cin, pd[i].size, pd[i].offset);
        if (pd[i].flags & DUMP_DH_COMPRESSED_ZLIB) {
            uLongf dl = bs;
            if (uncompress(page, &dl, cin, pd[i].size) != Z_OK || dl != bs) { fprintf(stderr, "inflate failed at %llu\n", (unsigned long long)i); return 1; }
        } else if (pd[i].flags == 0 && pd[i].size == bs) {
            memcpy(page, cin, bs);
        } else {
            fprintf(stderr, "page %llu: flags %#x not supported (input must be zlib)\n", (unsigned long long)i, pd[i].flags);
            return 1;
        }
        size_t sl = smax;
        last_in = pd[i].offset;
        if (snappy_compress((const char *)page, bs, sbuf, &sl) == SNAPPY_OK && sl < bs) {
            pwrite_all(out, sbuf, sl, wpos);
            pd[i].size = (uint32_t)sl;
            pd[i].flags = DUMP_DH_COMPRESSED_SNAPPY;
            nsnappy++;
        } else {
            pwrite_all(out, page, bs, wpos);
            pd[i].size = (uint32_t)bs;
            pd[i].flags = 0;
            nplain++;
        }
        pd[i].offset = wpos;
        last_new = pd[i];
        if (last_in == first) zero_new = pd[i];
        wpos += pd[i].size;
    }
    pwrite_all(out, pd, ndesc * sizeof *pd, desc_off);
    /* eraseinfo (usually empty) follows the pages */
    int64_t era_off;
    uint64_t era_size;
    memcpy(&era_off, sub + SOFF_OFFSET_ERASEINFO, 8);
    memcpy(&era_size, sub + SOFF_SIZE_ERASEINFO, 8);
    if (version >= 5) {
        if (era_size) {
            unsigned char *e = malloc(era_size);
            pread_all(in, e, era_size, era_off);
            pwrite_all(out, e, era_size, wpos);
        }
        memcpy(sub + SOFF_OFFSET_ERASEINFO, &wpos, 8);
        pwrite_all(out, sub + SOFF_OFFSET_ERASEINFO, 8, (int64_t)bs + SOFF_OFFSET_ERASEINFO);
        wpos += (int64_t)era_size;
    }
    status &= ~(uint32_t)(DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO | DUMP_DH_COMPRESSED_ZSTD);
    status |= DUMP_DH_COMPRESSED_SNAPPY;
    pwrite_all(out, &status, 4, OFF_STATUS);
    if (fclose(out)) die("close");
    printf("%llu pages: %llu snappy, %llu plain, %llu sharing a page; %lld bytes\n", (unsigned long long)ndesc,
           (unsigned long long)nsnappy, (unsigned long long)nplain, (unsigned long long)nshared, (long long)wpos);
    return 0;
}
