import { lstatSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './fs-atomic.js';
import { moveForeign } from './foreign.js';
import type { Journal } from './journal.js';
import { manifestPath, manifestText, type Manifest } from './manifest.js';

/** A manifest larger than this is not read back to compare: loop never writes one near it. */
const MAX_MANIFEST_BYTES = 1 << 20;

/**
 * Writes a driven run's manifest, stamped with the journal's head. Before each write it checks that
 * `manifest.json` is still what loop last wrote; a version someone else wrote is saved aside and journaled
 * as `tamper.refused`, then loop's own is written.
 */
export class ManifestWriter {
  private constructor(readonly runDir: string, private readonly journal: Journal, private last: string | undefined) {}

  /** For a new run: the first write is loop's own. */
  static create(runDir: string, journal: Journal): ManifestWriter {
    return new ManifestWriter(runDir, journal, undefined);
  }

  /** For a run taken over (resume, stop): the manifest on disk now is the one to compare later writes with. */
  static adopt(runDir: string, journal: Journal): ManifestWriter {
    return new ManifestWriter(runDir, journal, readOnDisk(manifestPath(runDir)));
  }

  /** Write the manifest with `journalHead` set; returns what was written. */
  write(manifest: Manifest, now = new Date()): Manifest {
    const path = manifestPath(this.runDir);
    if (this.last !== undefined) {
      const onDisk = readOnDisk(path);
      if (onDisk !== this.last) {
        const savedTo = onDisk === undefined ? null : moveForeign(path, now);
        const reason = onDisk === undefined ? 'manifest.json was removed' : 'manifest.json was changed by another process';
        this.journal.recordTamper({ file: 'manifest.json', savedTo, reason }, now);
      }
    }
    const stamped: Manifest = { ...manifest, journalHead: this.journal.head };
    const text = manifestText(stamped);
    writeFileAtomic(path, text);
    this.last = text;
    return stamped;
  }
}

/** The manifest's text, or undefined when it is missing; something that is not a small regular file reads as '' (foreign). */
function readOnDisk(path: string): string | undefined {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return '';
  return readFileSync(path, 'utf8');
}
