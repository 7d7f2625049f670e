import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BatchRunner, worstExit, type BatchItem } from '../../batch/batch-runner.js';
import { readTasks } from '../../batch/tasks-file.js';
import { ExitCode } from '../../errors.js';
import { loopLauncher } from '../../loop/launcher.js';
import { firstLine } from '../../report/format.js';
import { runBranch } from '../../worktree/worktree-paths.js';
import { isInteractive, useColor } from '../env.js';
import { padTable } from '../render/pad-table.js';

const WORDS: Record<number, string> = { 0: 'completed', 1: 'not proven', 2: 'usage error', 3: 'stalled', 4: 'budget exhausted', 5: 'could not run', 130: 'stopped' };
const stateText = (item: BatchItem) =>
  item.state === 'finished' ? `exit ${item.exitCode} (${WORDS[item.exitCode ?? -1] ?? 'finished'})` : item.state === 'running' ? `running${item.phase ? `: ${item.phase}` : ''}` : item.state;

function liveTable(items: BatchItem[]): string[] {
  return padTable(['#', 'RUN', 'STATE', 'TASK'], items.map((i) => [String(i.n), i.runId ?? '-', stateText(i), firstLine(i.task, 50)]));
}

function summaryTable(items: BatchItem[]): string[] {
  return padTable(['#', 'RUN', 'TASK', 'EXIT', 'BRANCH'], items.map((i) => [
    String(i.n), i.runId ?? '-', firstLine(i.task, 50), i.exitCode === undefined ? '-' : String(i.exitCode), i.runId ? runBranch(i.runId) : '-',
  ]));
}

/** `loop batch <tasks> [-j N]`: one `loop run --worktree` per task, N at once; exits with the worst exit code. */
export async function batchCommand(file: string, options: { jobs: number; ci?: boolean }): Promise<number> {
  const tasks = readTasks(resolve(file));
  const out = (text: string) => process.stdout.write(text);
  const live = !options.ci && isInteractive() && useColor();
  let drawn = 0;
  const redraw = () => {
    const lines = liveTable(runner.items);
    out(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    drawn = lines.length;
  };
  const plain = (item: BatchItem) => {
    if (item.state === 'running' && item.runId && !item.phase) out(`loop batch: task ${item.n} is run ${item.runId}: ${firstLine(item.task, 60)}\n`);
    if (item.state === 'finished') out(`loop batch: task ${item.n}${item.runId ? ` (run ${item.runId})` : ''}: ${stateText(item)}${item.runId ? '' : item.error ? `: ${item.error}` : ''}\n`);
    if (item.state === 'not started') out(`loop batch: task ${item.n}: not started (the batch was stopped)\n`);
  };
  // Each child in its own process group: a Ctrl-C reaches the batch only, which stops every run in order.
  const runner: BatchRunner = new BatchRunner(tasks, options.jobs, (task) => spawn(process.execPath, [loopLauncher(), 'run', '--worktree', '--ci', task], {
    cwd: process.cwd(), env: process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  }), (item) => (live ? redraw() : plain(item)));
  out(`loop batch: ${tasks.length} task${tasks.length === 1 ? '' : 's'}, at most ${options.jobs} at once, each in its own worktree\n`);
  if (live) redraw();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!runner.cancelled) process.stderr.write(`loop batch: ${signal}: stopping every run (they stay resumable: loop resume <run>)\n`);
    runner.stop();
  };
  const onExit = () => runner.killAll(); // whatever ends this process, its runs are told to stop
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.once('exit', onExit);
  try {
    await runner.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', onExit);
  }
  out(`\n${summaryTable(runner.items).join('\n')}\n`);
  // A task whose run never started (a usage error, say): why, in the child's own words.
  for (const item of runner.items) if (!item.runId && item.error) out(`loop batch: task ${item.n} did not start a run: ${item.error}\n`);
  const exit = runner.cancelled ? ExitCode.cancelled : worstExit(runner.items.flatMap((i) => (i.exitCode === undefined ? [] : [i.exitCode])));
  const stopped = runner.items.filter((i) => i.exitCode === ExitCode.cancelled && i.runId).map((i) => i.runId);
  if (stopped.length > 0) out(`loop batch: continue the stopped runs with: ${stopped.map((id) => `loop resume ${id}`).join('; ')}\n`);
  out(`loop batch: exit ${exit} (${WORDS[exit] ?? 'finished'}: the worst of the runs)\n`);
  return exit;
}
