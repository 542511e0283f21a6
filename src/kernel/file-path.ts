// A struct file's name as /proc/PID/fd shows it (readlink): fs/d_path.c d_path(). A dentry
// whose d_op has d_dname names itself (net/socket.c sockfs_dname "socket:[INO]", fs/pipe.c
// pipefs_dname "pipe:[INO]", fs/anon_inodes.c anon_inodefs_dname "anon_inode:NAME",
// fs/nsfs.c ns_dname "net:[INO]"); any other is its d_name chain up to the global root,
// crossing mounts as prepend_path() does (struct mount: mnt_mountpoint, mnt_parent).

import type { Kernel } from './kernel.js';
import { GAP } from './walk.js';

/** Dentries climbed at most (a corrupt d_parent chain cannot hang a command). */
const MAX_DEPTH = 256;

function dname(k: Kernel, dentry: bigint): string {
  const f = k.field('struct dentry', 'd_name.name');
  const len = k.tryField('struct dentry', 'd_name.len');
  const max = len ? Math.min(k.num(dentry, len), 255) : 255;
  return k.mem.cstring(k.ptr(dentry, f), Math.max(max, 1));
}

function inodeNumber(k: Kernel, dentry: bigint): number {
  const inode = k.ptr(dentry, k.field('struct dentry', 'd_inode'));
  return inode === 0n ? NaN : k.num(inode, k.field('struct inode', 'i_ino'));
}

/** The name d_op->d_dname would give, or undefined when the dentry has none. */
function pseudoName(k: Kernel, dentry: bigint): string | undefined {
  const op = k.ptr(dentry, k.field('struct dentry', 'd_op'));
  if (op === 0n) return undefined;
  const fn = k.ptr(op, k.field('struct dentry_operations', 'd_dname'));
  if (fn === 0n) return undefined;
  const sym = k.symbolize(fn).replace(/\+0x[0-9a-f]+.*$/, '');
  const ino = () => inodeNumber(k, dentry);
  switch (sym) {
    case 'sockfs_dname': return `socket:[${ino()}]`;
    case 'pipefs_dname': return `pipe:[${ino()}]`;
    case 'anon_inodefs_dname': return `anon_inode:${dname(k, dentry)}`;
    case 'ns_dname': return `${nsName(k, dentry)}:[${ino()}]`;
    case 'simple_dname': return `/${dname(k, dentry)} (deleted)`;
    default: return `${GAP}${sym}:${dname(k, dentry)}`;
  }
}

// fs/nsfs.c ns_dname(): the ns_common's ops->name ("net", "mnt", ...); nsfs keeps the
// ns_common in inode->i_private (__ns_get_path / nsfs_init_inode)
function nsName(k: Kernel, dentry: bigint): string {
  try {
    const inode = k.ptr(dentry, k.field('struct dentry', 'd_inode'));
    const ns = k.ptr(inode, k.field('struct inode', 'i_private'));
    const ops = k.ptr(ns, k.field('struct ns_common', 'ops'));
    return k.mem.cstring(k.ptr(ops, k.field('struct proc_ns_operations', 'name')), 32);
  } catch {
    return GAP;
  }
}

/** The path of a `struct file *`, as readlink /proc/PID/fd/N prints it. Throws when the
 *  file itself cannot be read. */
export function filePath(k: Kernel, file: bigint): string {
  let dentry = k.ptr(file, k.field('struct file', 'f_path.dentry'));
  const vfsmnt = k.ptr(file, k.field('struct file', 'f_path.mnt'));
  const pseudo = pseudoName(k, dentry);
  if (pseudo !== undefined) return pseudo;
  const mntOff = k.off('struct mount', 'mnt');
  const root = k.field('struct vfsmount', 'mnt_root');
  const parentF = k.field('struct dentry', 'd_parent');
  const mpF = k.field('struct mount', 'mnt_mountpoint');
  const mparentF = k.field('struct mount', 'mnt_parent');
  // d_unlinked(): hashed dentries have d_hash.pprev set
  const pprev = k.tryField('struct dentry', 'd_hash.pprev');
  const deleted = pprev !== undefined && k.ptr(dentry, parentF) !== dentry && k.ptr(dentry, pprev) === 0n;
  let mount = vfsmnt - mntOff;
  const parts: string[] = [];
  for (let i = 0; i < MAX_DEPTH; i++) {
    const mroot = k.ptr(mount + mntOff, root);
    if (dentry === mroot) {
      const parent = k.ptr(mount, mparentF);
      if (parent === mount || parent === 0n) break; // the global root
      dentry = k.ptr(mount, mpF);
      mount = parent;
      continue;
    }
    const up = k.ptr(dentry, parentF);
    if (up === dentry) break; // IS_ROOT: a detached tree
    parts.push(dname(k, dentry));
    dentry = up;
    if (i === MAX_DEPTH - 1) parts.push(GAP);
  }
  return '/' + parts.reverse().join('/') + (deleted ? ' (deleted)' : '');
}
