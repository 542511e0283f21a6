// makedumpfile's kdump-compressed and flattened formats, 64-bit little-endian (x86-64).
// References: makedumpfile diskdump_mod.h (struct disk_dump_header, kdump_sub_header,
// page_desc, DUMP_DH_* flags) and IMPLEMENTATION ("The kdump-compressed format"), makedumpfile.h
// (struct makedumpfile_header, makedumpfile_data_header), and libkdumpfile
// src/kdumpfile/diskdump.c (struct disk_dump_header_64, kdump_sub_header_64, read_bitmap()).

import { bytes, cstr, i32le, i64be, i64le, layout, u32le, u64le } from './layout.js';

export const KDUMP_SIGNATURE = 'KDUMP   '; // diskdump_mod.h KDUMP_SIGNATURE
export const DISKDUMP_SIGNATURE = 'DISKDUMP'; // diskdump_mod.h: the old diskdump format (unsupported)
export const MDF_SIGNATURE = 'makedumpfile'; // makedumpfile.h MAKEDUMPFILE_SIGNATURE (flattened header)
export const MDF_HEADER_SIZE = 4096; // makedumpfile.h MAX_SIZE_MDF_HEADER
export const MDF_TYPE_FLAT_HEADER = 1; // makedumpfile.h TYPE_FLAT_HEADER
export const MDF_VERSION_FLAT_HEADER = 1; // makedumpfile.h VERSION_FLAT_HEADER
export const MDF_OFFSET_END_FLAG = -1; // makedumpfile.h END_FLAG_FLAT_HEADER: offset = size = -1

// disk_dump_header.status and page_desc.flags (diskdump_mod.h)
export const DUMP_DH_COMPRESSED_ZLIB = 0x1; // page is compressed with zlib (compress2)
export const DUMP_DH_COMPRESSED_LZO = 0x2; // page is compressed with lzo (lzo1x_1_compress)
export const DUMP_DH_COMPRESSED_SNAPPY = 0x4; // page is compressed with snappy (raw format)
export const DUMP_DH_COMPRESSED_INCOMPLETE = 0x8; // status only: the dump file is incomplete
export const DUMP_DH_EXCLUDED_VMEMMAP = 0x10; // status only: unused vmemmap pages were excluded
export const DUMP_DH_COMPRESSED_ZSTD = 0x20; // page is compressed with zstd
export const DUMP_DH_COMPRESSED =
  DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO | DUMP_DH_COMPRESSED_SNAPPY | DUMP_DH_COMPRESSED_ZSTD;

const UTS = 65; // struct new_utsname: six char[65] fields

/** struct disk_dump_header, block 0 of the file (x86-64 layout: 6 bytes of padding before the
 *  8-byte-aligned struct timeval). */
export const disk_dump_header = layout('disk_dump_header', 464, {
  signature: cstr(0, 8), // "KDUMP   " (or "DISKDUMP" for the old diskdump)
  header_version: i32le(8), // 1..6 (6: 64-bit max_mapnr in the sub header)
  sysname: cstr(12 + 0 * UTS, UTS), // utsname.sysname: "Linux"
  nodename: cstr(12 + 1 * UTS, UTS), // utsname.nodename: host name
  release: cstr(12 + 2 * UTS, UTS), // utsname.release: "6.1.0-18-amd64"
  version: cstr(12 + 3 * UTS, UTS), // utsname.version: "#1 SMP PREEMPT_DYNAMIC Debian ..."
  machine: cstr(12 + 4 * UTS, UTS), // utsname.machine: "x86_64"
  domainname: cstr(12 + 5 * UTS, UTS), // utsname.domainname
  tv_sec: i64le(408), // timestamp.tv_sec: when the dump was taken
  tv_usec: i64le(416), // timestamp.tv_usec
  status: u32le(424), // DUMP_DH_COMPRESSED_* of the dump, DUMP_DH_COMPRESSED_INCOMPLETE
  block_size: i32le(428), // block size in bytes = page size
  sub_hdr_size: i32le(432), // size of the sub header in blocks
  bitmap_blocks: u32le(436), // size of both bitmaps together, in blocks
  max_mapnr: u32le(440), // highest pfn + 1 (32-bit; v6 has max_mapnr_64 in the sub header)
  total_ram_blocks: u32le(444), // unused by makedumpfile
  device_blocks: u32le(448), // unused by makedumpfile
  written_blocks: u32le(452), // unused by makedumpfile
  current_cpu: u32le(456), // CPU that took the dump
  nr_cpus: i32le(460), // number of CPUs
});

/** struct kdump_sub_header, block 1 of the file (libkdumpfile: kdump_sub_header_64). */
export const kdump_sub_header = layout('kdump_sub_header', 104, {
  phys_base: bytes(0, 8), // unsigned long: kernel load offset (QEMU writes a wrong one)
  dump_level: i32le(8), // makedumpfile -d value (header_version 1+)
  split: i32le(12), // nonzero: one of several split files (v2+)
  start_pfn: u64le(16), // first pfn of this split file (v2+)
  end_pfn: u64le(24), // last pfn + 1 of this split file (v2+)
  offset_vmcoreinfo: u64le(32), // file offset of the VMCOREINFO text (v3+)
  size_vmcoreinfo: u64le(40), // its size (v3+)
  offset_note: u64le(48), // file offset of the ELF note area (v4+)
  size_note: u64le(56), // its size (v4+)
  offset_eraseinfo: u64le(64), // file offset of the erase info (v5+)
  size_eraseinfo: u64le(72), // its size (v5+)
  start_pfn_64: u64le(80), // 64-bit start_pfn (v6+)
  end_pfn_64: u64le(88), // 64-bit end_pfn (v6+)
  max_mapnr_64: u64le(96), // 64-bit max_mapnr (v6+)
});

/** struct page_desc: one per set bit of the 2nd bitmap, in pfn order, starting at block
 *  1 + sub_hdr_size + bitmap_blocks. */
export const page_desc = layout('page_desc', 24, {
  offset: u64le(0), // file offset of the page data (0: never written, incomplete dump)
  size: u32le(8), // bytes of page data; == block_size and no flag: stored plain
  flags: u32le(12), // DUMP_DH_COMPRESSED_ZLIB / _LZO / _SNAPPY / _ZSTD
  page_flags: u64le(16), // unused (0)
});

/** struct makedumpfile_header at offset 0 of a flattened file; big-endian. */
export const makedumpfile_header = layout('makedumpfile_header', 32, {
  signature: cstr(0, 16), // "makedumpfile"
  type: i64be(16), // TYPE_FLAT_HEADER = 1
  version: i64be(24), // VERSION_FLAT_HEADER = 1
});

/** struct makedumpfile_data_header: precedes each record of a flattened file; big-endian. */
export const makedumpfile_data_header = layout('makedumpfile_data_header', 16, {
  offset: i64be(0), // where the record's bytes go in the rearranged file (-1: end)
  buf_size: i64be(8), // bytes that follow this header (-1: end)
});
