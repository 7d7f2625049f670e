import { existsSync } from 'node:fs';
import { ExitCode, LoopError } from '../errors.js';
import { readJournal } from '../run/journal.js';

/**
 * A run is resumed from its journal: it alone says where the loop was and which messages were delivered.
 * A missing journal, or one with no event in it, is refused before anything is touched (exit 2), rather than
 * guessed at from the manifest, which would risk delivering a message twice.
 */
export function requireJournal(runId: string, journalPath: string): void {
  const missing = !existsSync(journalPath);
  if (!missing && readJournal(journalPath).events.length > 0) return;
  throw new LoopError('journal-missing', `run ${runId} cannot be resumed: its journal ${journalPath} is ${missing ? 'missing' : 'empty'}`, {
    exitCode: ExitCode.usage,
    hint: `resume picks up from the journal alone; nothing was changed. Start the task again: loop run "…" (what is left: loop show ${runId})`,
  });
}
