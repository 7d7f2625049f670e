import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestPath, readManifest, tryReadManifest, writeManifest } from '../../src/run/manifest.js';
import { manifest } from './helpers.js';
import { loopError, freshDirs } from '../helpers/shared.js';

const newDir = freshDirs('loop-manifest-test');

describe('manifest', () => {
  test('write is atomic: the file is complete, 0600, and no temp file is left', () => {
    const dir = newDir();
    const m = manifest({ result: { exitCode: 0, reason: 'approved' }, status: 'completed', phase: 'finished' });
    writeManifest(dir, m);
    writeManifest(dir, { ...m, iteration: 2 });
    assert.deepEqual(readdirSync(dir), ['manifest.json']);
    assert.equal(statSync(manifestPath(dir)).mode & 0o777, 0o600);
    assert.ok(readFileSync(manifestPath(dir), 'utf8').endsWith('}\n'));
    assert.deepEqual(readManifest(dir), { ...m, iteration: 2 });
  });

  test('missing manifest: error names the file', () => {
    const dir = newDir();
    const error = loopError(() => readManifest(dir));
    assert.equal(error.message, `${join(dir, 'manifest.json')}: no manifest`);
    assert.equal(error.code, 'manifest-missing');
    assert.equal(error.exitCode, 2);
    assert.equal(tryReadManifest(dir), undefined);
  });

  test('corrupt manifest: error names the file and says it is not JSON', () => {
    const dir = newDir();
    writeFileSync(manifestPath(dir), '{"id": ');
    const error = loopError(() => readManifest(dir));
    assert.ok(error.message.startsWith(`${join(dir, 'manifest.json')}: not valid JSON (`), error.message);
    assert.equal(error.code, 'manifest-corrupt');
    assert.equal(tryReadManifest(dir), undefined);
  });

  test('invalid manifest: error names the file and the field', () => {
    const dir = newDir();
    writeFileSync(manifestPath(dir), JSON.stringify({ ...manifest(), status: 'exploded' }));
    const error = loopError(() => readManifest(dir));
    assert.ok(error.message.startsWith(`${join(dir, 'manifest.json')}: status: `), error.message);
    assert.equal(error.code, 'manifest-corrupt');
    assert.equal(error.exitCode, 2);

    writeFileSync(manifestPath(dir), JSON.stringify({ ...manifest(), roles: { worker: { agent: 'codex', sessionId: null } } }));
    assert.ok(loopError(() => readManifest(dir)).message.startsWith(`${join(dir, 'manifest.json')}: roles.reviewer: `));
  });
});
