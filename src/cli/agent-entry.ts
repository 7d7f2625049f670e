import type { MsgOptions } from './msg-payload.js';
import { reportError } from './report-error.js';

// `loop msg` and `loop inbox` are run by agents, often many times a turn: bin/loop.js sends them here, past
// commander, which with zod made up most of their start time. Only the plain forms are taken here; anything
// else (--help, `--`, an unknown or repeated option, a value that looks like an option) goes to commander.

type AgentCall = { command: 'msg'; kind: string; options: MsgOptions } | { command: 'inbox'; options: { all?: true; json?: true } };

const MSG_OPTIONS: Record<string, keyof MsgOptions> = { '--to': 'to', '--text': 'text', '--json': 'json', '--reply-to': 'replyTo' };

/** `msg <kind> [--to R] [--text T] [--json J] [--reply-to ID]` in any order, each option once; else undefined. */
function parseMsg(args: string[]): AgentCall | undefined {
  const options: MsgOptions = {};
  const kinds: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      kinds.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = MSG_OPTIONS[eq > 0 ? arg.slice(0, eq) : arg];
    if (!name || options[name] !== undefined) return undefined;
    // Why: commander may give a value that looks like an option (`--text --help`) to the program instead.
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.length > 1 && value.startsWith('-'))) return undefined;
    options[name] = value;
  }
  return kinds.length === 1 ? { command: 'msg', kind: kinds[0]!, options } : undefined;
}

/** `inbox [--all] [--json]`; else undefined. */
function parseInbox(args: string[]): AgentCall | undefined {
  const options: { all?: true; json?: true } = {};
  for (const arg of args) {
    if (arg === '--all' && !options.all) options.all = true;
    else if (arg === '--json' && !options.json) options.json = true;
    else return undefined;
  }
  return { command: 'inbox', options };
}

/** The agent command in `argv` (process.argv), when it is in a plain form. */
export function parseAgentCall(argv: readonly string[]): AgentCall | undefined {
  const [command, ...args] = argv.slice(2);
  if (command === 'msg') return parseMsg(args);
  if (command === 'inbox') return parseInbox(args);
  return undefined;
}

/** Run `loop msg` / `loop inbox` without commander; false (nothing done) when commander must parse `argv`. */
export async function runAgentCall(argv: readonly string[]): Promise<boolean> {
  const call = parseAgentCall(argv);
  if (!call) return false;
  try {
    process.exitCode = call.command === 'msg'
      ? await (await import('./commands/msg.js')).msgCommand(call.kind, call.options)
      : await (await import('./commands/inbox.js')).inboxCommand(call.options);
  } catch (error) {
    process.exitCode = reportError(error);
  }
  return true;
}
