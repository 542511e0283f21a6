// Drill-down: what the shell shows when the user presses Enter on a row that refers to a
// kernel object (a socket, a task, an skb). Each kind of reference has one opener.

import type { Output, Ref } from '../report/model.js';
import type { Session } from '../views/session.js';

export interface DrillView {
  /** Breadcrumb text for this level: "127.0.0.1:9165", "pid 5827 sshd". */
  title: string;
  output: Output;
  /** Keys this view answers to (a socket's `w`: write its queues as pcap); run returns the
   *  one line to show. */
  keys?: KeyAction[];
}

export interface KeyAction {
  key: string;
  help: string;
  run: () => string;
}

type Opener = (s: Session, ref: Ref) => DrillView;
const openers = new Map<Ref['kind'], Opener>();

/** Called by the modules that know how to show a kind of object (sockets, tasks, skbs). */
export function registerOpener(kind: Ref['kind'], open: Opener): void {
  openers.set(kind, open);
}

export function openRef(s: Session, ref: Ref): DrillView {
  const open = openers.get(ref.kind);
  if (!open) throw new Error(`nothing to show for a ${ref.kind} yet`);
  return open(s, ref);
}

export function canOpen(ref: Ref | undefined): boolean {
  return ref !== undefined && openers.has(ref.kind);
}
