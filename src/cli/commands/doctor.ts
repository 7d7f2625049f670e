import { BUILTIN_HARNESSES, isBuiltin } from '../../agents/registry.js';
import { readLedger, revertChanges } from '../../agents/harness/config-ledger.js';
import { loadConfig } from '../../config/load.js';
import { DEFAULT_CONFIG, type Config } from '../../config/schema.js';
import type { CheckResult } from '../../doctor/check.js';
import { checkGh } from '../../doctor/gh-check.js';
import { checkHarness } from '../../doctor/harness-checks.js';
import { checkIsolation } from '../../doctor/isolation-check.js';
import { checkBridge, checkNode, checkPty } from '../../doctor/runtime-checks.js';
import { resolveRepo } from '../../run/repo-id.js';
import { RunStore } from '../../run/store.js';
import { home, useColor, userEnv } from '../env.js';

async function configCheck(loopHome: string): Promise<{ check: CheckResult; config: Config }> {
  try {
    const cwd = process.cwd();
    const repo = await resolveRepo(cwd);
    const { config, sources } = loadConfig({ cwd, repoRoot: repo.root, home: loopHome });
    return { config, check: { name: 'config', ok: true, detail: `worker ${config.worker}, reviewer ${config.reviewer}${sources.length ? ` (from ${sources.join(', ')})` : ' (defaults)'}` } };
  } catch (error) {
    return { config: DEFAULT_CONFIG, check: { name: 'config', ok: false, detail: (error as Error).message, fix: 'fix the file and key named above; `loop config --schema` shows every key' } };
  }
}

/** Undo every change loop recorded in harness configs (newest first), where the value is still loop's. */
function revert(loopHome: string): number {
  const changes = new RunStore(loopHome).list().flatMap((run) => readLedger(run.dir));
  const { reverted, kept } = revertChanges(changes);
  for (const c of reverted) process.stdout.write(`reverted ${c.path.join('.')} in ${c.file}${c.before === undefined ? ' (removed)' : ''}\n`);
  const skipped = kept.length;
  process.stdout.write(`${reverted.length} change(s) reverted${skipped ? `; ${skipped} left alone (changed since, or already reverted)` : ''}\n`);
  return 0;
}

/** `loop doctor`: what is installed and usable, and the exact fix for every problem. */
export async function doctorCommand(options: { json?: boolean; revert?: boolean }): Promise<number> {
  const loopHome = home(); // a file or an unreadable folder there is a usage error (exit 2) before any check
  if (options.revert) return revert(loopHome);
  const env = process.env;
  const { check: config, config: effective } = await configCheck(loopHome);
  const used = new Set([effective.worker, effective.reviewer]);
  const harnessChecks = await Promise.all(Object.entries(BUILTIN_HARNESSES).map(([name, adapter]) => {
    const { doctor, command } = adapter(effective.agents[name]);
    return doctor ? checkHarness(name, doctor, command, env, used.has(name)) : [];
  }));
  const checks: CheckResult[] = [checkNode(), await checkPty(), await checkBridge(env.PATH ?? ''), config, await checkIsolation(effective.isolation, env.PATH ?? ''), ...harnessChecks.flat(), await checkGh(userEnv(), process.cwd())];
  for (const name of used) {
    if (!isBuiltin(name) && !effective.agents[name]?.command && !['demo-worker', 'demo-reviewer'].includes(name)) {
      checks.push({ name: `agent ${name}`, ok: false, detail: 'not a built-in and has no command', fix: `add "agents": {"${name}": {"command": "…"}} to .loop.json` });
    }
  }
  const pending = new RunStore(loopHome).list().flatMap((run) => readLedger(run.dir));
  if (pending.length > 0) checks.push({ name: 'harness config changes', ok: true, optional: true, detail: `${pending.length} recorded (dialog answers loop pre-set); undo with: loop doctor --revert` });
  const failed = checks.filter((c) => !c.ok && !c.optional);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, checks }, null, 2)}\n`);
    return failed.length === 0 ? 0 : 1;
  }
  const color = useColor();
  const mark = (c: CheckResult) => (c.ok ? (color ? '\x1b[32m✓\x1b[0m' : '✓') : c.optional ? (color ? '\x1b[33m-\x1b[0m' : '-') : (color ? '\x1b[31m✗\x1b[0m' : '✗'));
  for (const c of checks) {
    process.stdout.write(`${mark(c)} ${c.name.padEnd(22)} ${c.detail}\n`);
    for (const note of c.notes ?? []) process.stdout.write(`  ${''.padEnd(22)} ${note}\n`);
    if (!c.ok && c.fix) process.stdout.write(`  ${''.padEnd(22)} fix: ${c.fix}\n`);
  }
  process.stdout.write(failed.length === 0 ? '\nloop is ready.\n' : `\n${failed.length} problem(s) to fix before \`loop run\` with this config.\n`);
  return failed.length === 0 ? 0 : 1;
}
