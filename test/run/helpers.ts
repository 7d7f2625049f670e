// Shared by the run tests: a valid manifest with sensible defaults.
import type { Manifest } from '../../src/run/manifest.js';

export function manifest(fields: Partial<Manifest> = {}): Manifest {
  return {
    version: 1,
    id: '20260101-000000-000-abcdabcd',
    repoId: 'repo-0123456789ab',
    cwd: '/tmp/repo',
    status: 'running',
    phase: 'working',
    iteration: 1,
    maxIterations: 5,
    task: 'do the thing',
    proof: ['npm test'],
    roles: { worker: { agent: 'codex', sessionId: null }, reviewer: { agent: 'claude', sessionId: null } },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    config: {},
    ...fields,
  };
}
