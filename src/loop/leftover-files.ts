import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { sweepDeadSockets } from '../attach/attach-server.js';
import { runTempDir, sweepDeadOwners } from '../run/owned-temp.js';

/**
 * Before a run is driven: remove what killed loop processes left outside their run directories (temporary git
 * indexes and worktrees in the temp folder, fallback attach sockets) — only where the owning process is dead —
 * and this run's own scratch folder, which only a dead driver of it can have left (this process holds the lock).
 * Returns the paths removed.
 */
export function sweepLeftoverFiles(runDir: string): string[] {
  removeRunTemp(runDir);
  return [...sweepDeadOwners(tmpdir()), ...sweepDeadSockets()];
}

/** When a run ends: its scratch folder goes (its attach sockets go as their servers close). */
export function removeRunTemp(runDir: string): void {
  rmSync(runTempDir(runDir), { recursive: true, force: true });
}
