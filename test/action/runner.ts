// Plays the GitHub runner's part for a composite action: reads action.yml, evaluates the few expressions it
// uses, runs each `run:` step in bash as the runner does (bash --noprofile --norc -eo pipefail, GITHUB_OUTPUT,
// GITHUB_PATH, GITHUB_STEP_SUMMARY as files), stands in for actions/upload-artifact (records what it would
// upload), and maps the action's outputs. An expression or an action it does not know fails the test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';

interface ActionStep { id?: string; name?: string; if?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }
export interface ActionFile {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRecord { name: string; ran: boolean; exitCode?: number; stdout?: string; stderr?: string }
export interface ActionRun {
  /** The action's exit: the first failing step's code, else 0 (as the job step's conclusion). */
  exitCode: number;
  outputs: Record<string, string>;
  steps: StepRecord[];
  uploads: { name: string; path: string }[];
  summary: string;
}

export const readAction = (path: string): ActionFile => parse(readFileSync(path, 'utf8')) as ActionFile;

/** `$GITHUB_OUTPUT` as the runner reads it: `name=value` lines and `name<<DELIMITER` heredocs. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: heredoc ${heredoc[2]} never closed`);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`GITHUB_OUTPUT: not name=value: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

interface Context { inputs: Record<string, string>; steps: Record<string, Record<string, string>>; actionPath: string; temp: string; failed: boolean }

/** The expressions action.yml uses: contexts, '…' literals, ==, !=, &&, always(), success(), failure(). */
function evaluate(expression: string, context: Context): string | boolean {
  const expr = expression.trim();
  const and = expr.split(/\s*&&\s*/);
  if (and.length > 1) return and.every((part) => truthy(evaluate(part, context)));
  const compare = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(expr);
  if (compare) {
    const equal = String(evaluate(compare[1]!, context)) === String(evaluate(compare[3]!, context));
    return compare[2] === '==' ? equal : !equal;
  }
  if (expr === 'always()') return true;
  if (expr === 'success()') return !context.failed;
  if (expr === 'failure()') return context.failed;
  const literal = /^'((?:[^']|'')*)'$/.exec(expr);
  if (literal) return literal[1]!.replaceAll("''", "'");
  const input = /^inputs\.([\w-]+)$/.exec(expr);
  if (input) {
    if (!(input[1]! in context.inputs)) throw new Error(`action.yml: inputs.${input[1]} is not a declared input`);
    return context.inputs[input[1]!]!;
  }
  const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
  if (output) return context.steps[output[1]!]?.[output[2]!] ?? '';
  if (expr === 'github.action_path') return context.actionPath;
  if (expr === 'runner.temp') return context.temp;
  throw new Error(`the simulated runner does not know the expression: ${expr}`);
}
const truthy = (value: string | boolean) => value !== false && value !== '';

const interpolate = (text: string, context: Context): string =>
  text.replace(/\$\{\{(.+?)\}\}/g, (_, expression: string) => String(evaluate(expression, context)));

const condition = (step: ActionStep, context: Context): boolean => {
  if (step.if === undefined) return !context.failed;
  const expr = /^\s*\$\{\{(.+)\}\}\s*$/.exec(step.if)?.[1] ?? step.if;
  // As on GitHub: a condition without a status function gets success() in front.
  const withStatus = /\b(always|success|failure|cancelled)\(\)/.test(expr) ? expr : `success() && ${expr}`;
  return truthy(evaluate(withStatus, context));
};

/**
 * Runs the composite action at `actionPath` with these inputs in `workspace`: every step as the runner would.
 * `env` is the job's environment (GITHUB_* files are made here, in `temp`).
 */
export async function runAction(actionPath: string, given: Record<string, string>, options: { workspace: string; temp: string; env: Record<string, string> }): Promise<ActionRun> {
  const action = readAction(join(actionPath, 'action.yml'));
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  for (const name of Object.keys(given)) if (!(name in action.inputs)) throw new Error(`unknown input: ${name}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, given[name] ?? spec.default ?? '']));
  const context: Context = { inputs, steps: {}, actionPath, temp: options.temp, failed: false };
  const files = join(options.temp, '_runner_file_commands');
  mkdirSync(files, { recursive: true });
  const summaryFile = join(files, 'step_summary');
  const pathFile = join(files, 'add_path');
  writeFileSync(summaryFile, '');
  writeFileSync(pathFile, '');
  const record: ActionRun = { exitCode: 0, outputs: {}, steps: [], uploads: [], summary: '' };
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    if (!condition(step, context)) {
      record.steps.push({ name, ran: false });
      continue;
    }
    if (step.uses !== undefined) {
      if (!/^actions\/upload-artifact@v4$/.test(step.uses)) throw new Error(`the simulated runner does not know the action ${step.uses}`);
      const withValues = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, interpolate(String(value), context)]));
      const found = existsSync(withValues.path ?? '');
      if (!found && withValues['if-no-files-found'] === 'error') {
        record.steps.push({ name, ran: true, exitCode: 1 });
        context.failed = true;
        record.exitCode ||= 1;
        continue;
      }
      record.uploads.push({ name: withValues.name ?? 'artifact', path: withValues.path ?? '' });
      record.steps.push({ name, ran: true, exitCode: 0 });
      continue;
    }
    if (step.run === undefined || step.shell !== 'bash') throw new Error(`step ${name}: a composite run step needs run and shell: bash`);
    // Inputs and outputs reach scripts through env only: an expression pasted into a script is a shell injection.
    if (step.run.includes('${{')) throw new Error(`step ${name}: run: holds an expression; pass it through env:`);
    const script = join(files, `step-${index}.sh`);
    const outputFile = join(files, `output-${index}`);
    writeFileSync(script, step.run);
    writeFileSync(outputFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, interpolate(String(value), context)]));
    const added = readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse();
    const env = {
      ...options.env, ...stepEnv,
      PATH: [...added, options.env.PATH ?? ''].join(delimiter),
      GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: options.workspace, RUNNER_TEMP: options.temp, GITHUB_ACTION_PATH: actionPath,
      GITHUB_OUTPUT: outputFile, GITHUB_PATH: pathFile, GITHUB_STEP_SUMMARY: summaryFile,
    };
    const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: options.workspace, env, extendEnv: false, reject: false, stdin: 'ignore', timeout: 180_000 });
    const exitCode = result.exitCode ?? 1;
    record.steps.push({ name, ran: true, exitCode, stdout: result.stdout, stderr: result.stderr });
    if (step.id) context.steps[step.id] = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (exitCode !== 0) {
      context.failed = true;
      record.exitCode ||= exitCode;
    }
  }
  record.outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, spec]) => [name, interpolate(spec.value, context)]));
  record.summary = readFileSync(summaryFile, 'utf8');
  return record;
}

