import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyChain, type ChainReport } from '../run/chain.js';
import { parseJournal, type JournalEvent } from '../run/journal.js';
import type { Manifest } from '../run/manifest.js';
import { manifestAgreement, type Agreement } from './manifest-agreement.js';

/** The chain as `loop show --json` and `loop ls --json` carry it. */
export interface ChainSummary {
  ok: boolean;
  chained: boolean;
  events: number;
  brokenAt?: number;
  reason?: string;
}

/** A run's records checked against each other: the journal's chain, and the manifest against the journal. */
export interface Integrity {
  chain: ChainReport;
  events: JournalEvent[];
  agreement: Agreement;
  /** Why the records cannot be taken as loop wrote them (a broken chain, or a manifest claiming what the journal does not record). */
  tampered?: string;
}

export const chainSummary = (chain: ChainReport): ChainSummary => ({
  ok: chain.ok, chained: chain.chained, events: chain.events,
  ...(chain.ok ? {} : { brokenAt: chain.brokenAt, reason: chain.reason }),
});

/** Check a run's records. Read the manifest first: a live run's journal is then never behind it. */
export function checkIntegrity(runDir: string, manifest: Manifest): Integrity {
  const path = join(runDir, 'events.jsonl');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const chain = verifyChain(text);
  const { events } = parseJournal(text);
  const agreement = manifestAgreement(manifest, chain, events);
  const tampered = !chain.ok
    ? `journal chain broken at line ${chain.brokenAt}: ${chain.reason}`
    : !agreement.ok && !agreement.stale ? agreement.detail : undefined;
  return { chain, events, agreement, ...(tampered ? { tampered } : {}) };
}
