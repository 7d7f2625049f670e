import { RunStore } from '../../run/store.js';
import { verifyRun, type VerifyCheck } from '../../report/verify-run.js';
import { home, useColor, userEnv } from '../env.js';

/** `loop verify <id>`: check a run's records (and with --rerun, its proof); exit 0 only when every check holds. */
export async function verifyCommand(query: string, options: { rerun?: boolean; json?: boolean }): Promise<number> {
  const ref = new RunStore(home()).resolve(query);
  const color = useColor();
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const mark = (c: VerifyCheck) => (c.skipped ? paint(33, '-') : c.ok ? paint(32, '✓') : paint(31, '✗'));
  const print = (c: VerifyCheck) => process.stdout.write(`${mark(c)} ${c.name.padEnd(14)} ${c.detail}\n`);
  const report = await verifyRun(ref, { rerun: Boolean(options.rerun), env: userEnv(), ...(options.json ? {} : { onCheck: print }) });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const failed = report.checks.filter((c) => !c.ok).length;
    process.stdout.write(failed === 0 ? `\nrun ${ref.id}: every check holds.\n` : `\nrun ${ref.id}: ${failed} check(s) failed.\n`);
  }
  return report.ok ? 0 : 1;
}
