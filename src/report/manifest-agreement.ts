import type { ChainReport } from '../run/chain.js';
import type { JournalEvent } from '../run/journal.js';
import { statusOfExit, type Manifest } from '../run/manifest.js';

/** Whether a manifest agrees with its journal, and if not, why. */
export interface Agreement {
  ok: boolean;
  detail: string;
  /** The manifest is merely behind the journal (a crash between the two writes), not claiming more than it records. */
  stale?: boolean;
}

const statusOf = (finish: JournalEvent): string =>
  typeof finish.status === 'string' ? finish.status : statusOfExit(Number(finish.exitCode));

const short = (hash: string) => hash.slice(0, 12);

/** Check `journalHead` against the line it names (for a finished run, the last line). */
function headAgreement(manifest: Manifest, chain: ChainReport, lastSeq: number): Agreement | undefined {
  const head = manifest.journalHead;
  if (!head) return chain.chained ? { ok: false, detail: 'the manifest records no journalHead, but the journal is chained' } : undefined;
  const link = chain.links.find((l) => l.seq === head.seq);
  if (!link) return { ok: false, detail: `journalHead names seq ${head.seq}, which the journal does not have intact` };
  if (link.hash !== head.hash) {
    return { ok: false, detail: `journalHead (seq ${head.seq}, ${short(head.hash)}) does not match line ${link.line} of events.jsonl (${short(link.hash)})` };
  }
  if (manifest.status !== 'running' && head.seq !== lastSeq) {
    return { ok: false, detail: `journalHead is seq ${head.seq}, but the journal goes on to seq ${lastSeq} after the run finished` };
  }
  return undefined;
}

/**
 * A manifest agrees with its journal when its `journalHead` names a real line (the last one once the run
 * has finished) and its status and result are those of the journal's last `run.finished`.
 */
export function manifestAgreement(manifest: Manifest, chain: ChainReport, events: JournalEvent[]): Agreement {
  const lastSeq = events.reduce((max, e) => Math.max(max, e.seq), 0);
  const head = headAgreement(manifest, chain, lastSeq);
  if (head) return head;
  const lastStart = events.findLastIndex((e) => e.type === 'run.started' || e.type === 'run.resumed');
  const lastFinish = events.findLastIndex((e) => e.type === 'run.finished');
  const finish = lastFinish > lastStart ? events[lastFinish] : undefined;
  const headText = manifest.journalHead ? `head seq ${manifest.journalHead.seq}; ` : '';
  if (manifest.status === 'running') {
    if (finish) return { ok: false, stale: true, detail: `the manifest says running, but the journal records run.finished (${statusOf(finish)}, exit ${String(finish.exitCode)})` };
    return { ok: true, detail: `agrees with the journal (${headText}running)` };
  }
  const claimed = `${manifest.status}${manifest.result ? `, exit ${manifest.result.exitCode}` : ''}`;
  if (!finish) return { ok: false, detail: `the manifest says ${claimed}, but the journal records no run.finished` };
  const recorded = `${statusOf(finish)}, exit ${String(finish.exitCode)}`;
  if (statusOf(finish) !== manifest.status || manifest.result?.exitCode !== finish.exitCode || (manifest.status === 'completed' && finish.exitCode !== 0)) {
    return { ok: false, detail: `the manifest says ${claimed}, but the journal's run.finished says ${recorded}` };
  }
  return { ok: true, detail: `agrees with the journal (${headText}${recorded})` };
}
