import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ROLES } from '../bus/roles.js';
import { ExitCode } from '../errors.js';
import { dropOutputToClosedPipes } from './closed-pipe.js';
import { reportError } from './report-error.js';

/** The installed package's version (package.json ships in every install, so it cannot drift from a copy). */
const version = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const positiveInt = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1, got '${value}'`);
  return n;
};
const positiveNumber = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || value.trim() === '') throw new InvalidArgumentError(`${name} must be a number > 0, got '${value}'`);
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Run a lazily loaded command and turn its result into the process exit code. */
const lazy = <A extends unknown[]>(load: () => Promise<(...args: A) => Promise<number>>) =>
  async (...args: A) => {
    const command = await load();
    process.exitCode = await command(...args);
  };

function buildProgram(): Command {
  const program = new Command('loop')
    .description('Pair two terminal coding agents (worker + reviewer) on one task, until the reviewer approves and the proof passes.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();

  program
    .command('run')
    .description('start a run: the worker works, loop runs the proof, the reviewer reviews')
    .argument('[prompt]', 'the task, or the path of a markdown plan (default: PLAN.md)')
    .option('--worker <agent>', 'agent that changes the code')
    .option('--reviewer <agent>', 'agent that reviews (give it again for a panel of reviewers)', collect)
    .addOption(new Option('--panel <policy>', 'how a panel of reviewers decides: all, majority or any').choices(['all', 'majority', 'any']))
    .option('--proof <command>', 'proof command run by loop (repeatable; replaces the configured ones)', collect)
    .option('--max-iterations <n>', 'iteration cap', positiveInt('--max-iterations'))
    .option('--max-cost <usd>', 'cost budget in US dollars: the run stops after the turn that goes over it (exit 4)', positiveNumber('--max-cost'))
    .option('--max-tokens <n>', 'token budget (both agents): the run stops after the turn that goes over it (exit 4)', positiveInt('--max-tokens'))
    .addOption(new Option('--plan <mode>', 'plan phase: review (PLAN.md approved before any code), write (no review), or off').choices(['review', 'write', 'off']))
    .addOption(new Option('--isolation <mode>', 'isolate the agents: sandbox (bubblewrap), none, or auto').choices(['auto', 'sandbox', 'none']))
    .option('--worktree', 'work in a new git worktree on branch loop/<run-id> from HEAD; your checkout is not touched')
    .option('--carry', 'with --worktree: bring your uncommitted changes into the worktree')
    .option('--here', 'work in this checkout even with uncommitted changes (they become part of the run)')
    .option('--commit', 'in place: commit the approved tree on the current branch at the end (worktree runs always do)')
    .option('--pr', 'at the end, push the branch and open a draft pull request (needs gh; see loop pr)')
    .option('--ci', 'unattended: plain log lines, no live screen')
    .option('--github', 'GitHub Actions output (on by itself with --ci when GITHUB_ACTIONS=true): job summary, annotations, step outputs, log groups, a bundle')
    .option('--json', 'print one JSON result object on stdout at the end (logs go to stderr)')
    .action(lazy(async () => (await import('./commands/run.js')).runCommand));

  program
    .command('resume')
    .description('continue a run whose loop process died or was stopped')
    .argument('<id>', 'run id, unique prefix, or an agent session id')
    .option('--max-iterations <n>', 'raise the iteration cap', positiveInt('--max-iterations'))
    .option('--max-cost <usd>', 'raise (or set) the cost budget in US dollars', positiveNumber('--max-cost'))
    .option('--max-tokens <n>', 'raise (or set) the token budget', positiveInt('--max-tokens'))
    .addOption(new Option('--isolation <mode>', 'isolate the agents: sandbox (bubblewrap), none, or auto').choices(['auto', 'sandbox', 'none']))
    .option('--ci', 'unattended: plain log lines, no live screen')
    .option('--github', 'GitHub Actions output (on by itself with --ci when GITHUB_ACTIONS=true): job summary, annotations, step outputs, log groups, a bundle')
    .option('--json', 'print one JSON result object on stdout at the end (logs go to stderr)')
    .action(lazy(async () => (await import('./commands/resume.js')).resumeCommand));

  program
    .command('demo')
    .description('a whole run with the built-in scripted demo agents, in a temporary repository (no agent CLI needed)')
    .option('--ci', 'plain log lines, no live screen')
    .action(lazy(async () => (await import('./commands/demo.js')).demoCommand));

  program.command('ls').description('list runs').option('--json', 'machine-readable output')
    .option('--repo', 'only runs of the current repository')
    .action(lazy(async () => (await import('./commands/ls.js')).lsCommand));

  program.command('show').description('describe one run').argument('<id>', 'run id, unique prefix, or an agent session id')
    .option('--json', 'machine-readable output')
    .action(lazy(async () => (await import('./commands/show.js')).showCommand));

  program.command('verify').description("check a run's records: the journal's hash chain, the manifest, and the approved tree")
    .argument('<id>', 'run id, unique prefix, or an agent session id')
    .option('--rerun', 'also rerun the frozen proof commands on the approved tree, in a temporary git worktree')
    .option('--json', 'machine-readable output')
    .action(lazy(async () => (await import('./commands/verify.js')).verifyCommand));

  program.command('export').description("write a run's records to a tar.gz bundle: manifest, journal, recordings, proof logs, summary.md, result.json")
    .argument('<id>', 'run id, unique prefix, or an agent session id')
    .option('-o, --output <file>', 'where to write the bundle (default: ./<run-id>.tar.gz)')
    .action(lazy(async () => (await import('./commands/export.js')).exportCommand));

  program.command('import').description('add a run from a bundle written by loop export, to inspect it with show, logs and verify')
    .argument('<bundle>', 'the .tar.gz written by loop export')
    .action(lazy(async () => (await import('./commands/import.js')).importCommand));

  program.command('logs').description("show a run's journal, or one agent's terminal output")
    .argument('<id>', 'run id, unique prefix, or an agent session id')
    .addOption(new Option('--role <role>', "an agent's terminal output instead of the journal (worker, reviewer, a panel's reviewer-2…)").choices(ROLES))
    .option('--json', 'journal events as JSON lines')
    .action(lazy(async () => (await import('./commands/logs.js')).logsCommand));

  program.command('attach').description("watch and type into one agent's terminal (Ctrl-] detaches)")
    .argument('<id>', 'run id or unique prefix')
    .argument('<role>', "worker or reviewer (a panel's: reviewer-2…)")
    .action(lazy(async () => (await import('./commands/attach.js')).attachCommand));

  program.command('stop').description('stop a running run (it stays resumable)').argument('<id>', 'run id or unique prefix')
    .action(lazy(async () => (await import('./commands/stop.js')).stopCommand));

  program.command('pr').description("push a completed run's branch and open a draft pull request (GitHub CLI)")
    .argument('<id>', 'run id, unique prefix, or an agent session id')
    .option('--dry-run', 'print the title and body; push nothing, open nothing')
    .action(lazy(async () => (await import('./commands/pr.js')).prCommand));

  program.command('clean').description('remove the worktrees of finished runs (their branches stay unless --branches)')
    .argument('[id]', 'one run (id or unique prefix)')
    .option('--finished', 'every finished run of every repository')
    .option('--branches', 'also delete the runs\' loop/<run-id> branches')
    .action(lazy(async () => (await import('./commands/clean.js')).cleanCommand));

  program.command('batch').description('one worktree run per task of a file (lines, or ## sections of markdown), N at a time')
    .argument('<tasks>', 'a text file (one task per line) or a markdown file (one task per ## section)')
    .option('-j, --jobs <n>', 'runs at once (default 2)', positiveInt('--jobs'), 2)
    .option('--ci', 'plain lines, no live table')
    .action(lazy(async () => (await import('./commands/batch.js')).batchCommand));

  program.command('doctor').description('check what is installed and usable, with the fix for every problem')
    .option('--json', 'machine-readable output')
    .option('--revert', 'undo the dialog answers loop pre-set in harness configs (see README)')
    .action(lazy(async () => (await import('./commands/doctor.js')).doctorCommand));

  program.command('config').description('print the effective configuration')
    .option('--schema', 'print the JSON Schema of .loop.json instead')
    .action(lazy(async () => (await import('./commands/config.js')).configCommand));

  program.command('completion').description('print a shell completion script (bash: source <(loop completion bash))')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(lazy(async () => (await import('./commands/completion.js')).completionCommand));

  program
    .command('msg')
    .description('(for agents) send a message on the run bus')
    .argument('<kind>', 'note | question | answer | plan | done | review (plan and done: worker only; review: reviewers only)')
    .option('--to <role>', "worker or reviewer, or a panel's reviewer-2… (default: the worker's to the reviewer, a reviewer's to the worker)")
    .option('--text <text>', "fills the kind's main text field (text or summary)")
    .option('--json <payload>', "the payload as JSON, or '-' to read it from stdin")
    .option('--reply-to <id>', 'the message this answers')
    .action(lazy(async () => (await import('./commands/msg.js')).msgCommand));

  program
    .command('inbox')
    .description('(for agents) messages addressed to you that you have not read yet')
    .option('--all', 'every message addressed to you')
    .option('--json', 'an array of envelopes')
    .action(lazy(async () => (await import('./commands/inbox.js')).inboxCommand));

  program
    .command('hook', { hidden: true })
    .description('(for harness hooks) record a turn start or end')
    .argument('<event>', 'claude-stop | codex-notify | gemini-after-agent')
    .argument('[payload]', 'the JSON payload (default: stdin)')
    .action(lazy(async () => (await import('./commands/hook.js')).hookCommand));

  program
    .command('mcp')
    .description('(for agents) the bus as MCP tools on stdio')
    .action(lazy(async () => (await import('./commands/mcp.js')).mcpCommand));

  return program;
}

/** Entry point: parse, run, and map every failure to one line and an exit code. */
export async function main(argv: string[]): Promise<void> {
  dropOutputToClosedPipes();
  const program = buildProgram();
  const crash = (error: unknown) => {
    process.exitCode = report(error);
    process.exit();
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every parse error is a usage error.
    return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : ExitCode.usage;
  }
  return reportError(error);
}
