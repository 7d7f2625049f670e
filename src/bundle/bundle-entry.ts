import { RUN_ID_PATTERN } from '../run/ids.js';
import { BUNDLE_DIRS, BUNDLE_FILE } from './bundle-files.js';

/** Bounds on what an import unpacks (recordings are capped at 8 MiB each by default; proof logs are small). */
export const BUNDLE_LIMITS = { entries: 5000, entryBytes: 64 * 1024 * 1024, totalBytes: 512 * 1024 * 1024 };

/** One tar entry as the import sees it, before anything is written. */
export interface EntryHeader {
  path: string;
  type: string;
  size: number;
}

/**
 * Why an entry of a bundle is refused, or undefined when it may be unpacked: only plain files and folders, under
 * one top folder named like a run id, at the names a bundle holds (no absolute paths, `..`, links or devices).
 */
export function entryRefusal(entry: EntryHeader, topSeen: string | undefined): string | undefined {
  const path = entry.path;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return `${path}: an absolute path`;
  const parts = path.replace(/\/$/, '').split('/');
  if (parts.some((part) => part === '..' || part === '.' || part === '')) return `${path}: a path with '..', '.' or an empty part`;
  const [top, ...rest] = parts;
  if (!top || !RUN_ID_PATTERN.test(top)) return `${path}: the top folder is not a run id`;
  if (topSeen !== undefined && top !== topSeen) return `${path}: a second top folder (the bundle holds one run, ${topSeen})`;
  const inner = rest.join('/');
  if (entry.type === 'Directory') return inner === '' || BUNDLE_DIRS.has(inner) ? undefined : `${path}: a folder a bundle does not hold`;
  if (entry.type !== 'File' && entry.type !== 'OldFile') return `${path}: a ${entry.type} entry (only plain files and folders are unpacked)`;
  if (!BUNDLE_FILE.test(inner)) return `${path}: a file a bundle does not hold`;
  if (entry.size > BUNDLE_LIMITS.entryBytes) return `${path}: ${entry.size} bytes, over the ${BUNDLE_LIMITS.entryBytes}-byte limit`;
  return undefined;
}
