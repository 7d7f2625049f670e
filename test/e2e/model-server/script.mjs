// The rule engine of the fake model server: picks the reply for one model request from the script.
// Dialect modules turn a request into a neutral `Conversation` and render the neutral `Reply` this returns.
import { createHash } from 'node:crypto';
import { fakeFromSchema } from './json-schema.mjs';

export const DEFAULT_TEXT = 'PONG-FROM-FAKE';
export const DEFAULT_FINAL = 'DONE-FROM-FAKE';
export const DEFAULT_SIDE = 'Fake side reply';
const AGENT_OF = { anthropic: 'claude', openai: 'codex', gemini: 'gemini' };

/**
 * Validates and normalises a script: either an array of rules or `{rules, default, final, json}`.
 * Throws a TypeError naming the bad rule.
 */
export function normaliseScript(input) {
  const script = Array.isArray(input) ? { rules: input } : { ...(input ?? {}) };
  if (!Array.isArray(script.rules ?? [])) throw new TypeError('script.rules must be an array');
  const rules = (script.rules ?? []).map((raw, i) => normaliseRule(raw, i));
  return {
    rules,
    default: typeof script.default === 'string' ? script.default : DEFAULT_TEXT,
    final: typeof script.final === 'string' ? script.final : DEFAULT_FINAL,
    side: typeof script.side === 'string' ? script.side : DEFAULT_SIDE,
    json: script.json && typeof script.json === 'object' ? script.json : {},
  };
}

function normaliseRule(raw, i) {
  if (!raw || typeof raw !== 'object') throw new TypeError(`rules[${i}] must be an object`);
  const where = `rules[${i}]${raw.name ? ` (${raw.name})` : ''}`;
  const regex = (v, key) => {
    if (v === undefined) return undefined;
    try {
      return new RegExp(v, String(raw.flags ?? '').replace(/[gy]/g, '')); // stateless matching: no g/y
    } catch (err) {
      throw new TypeError(`${where}.${key} is not a valid regex: ${err.message}`);
    }
  };
  let steps = raw.steps ?? (raw.reply !== undefined ? [{ text: String(raw.reply) }] : undefined);
  if (!Array.isArray(steps) || steps.length === 0) throw new TypeError(`${where} needs "steps" (non-empty array) or "reply"`);
  steps = steps.map((s, j) => {
    const step = typeof s === 'string' ? { text: s } : s;
    const kinds = ['shell', 'mcpTool', 'tool'].filter((k) => step?.[k] !== undefined);
    if (!step || typeof step !== 'object' || kinds.length > 1 || (kinds.length === 0 && step.text === undefined && step.httpStatus === undefined)) {
      throw new TypeError(`${where}.steps[${j}] needs exactly one of text, shell, mcpTool, tool (or httpStatus)`);
    }
    return step;
  });
  const agents = raw.agent === undefined ? undefined : [raw.agent].flat();
  return {
    index: i,
    name: raw.name ?? `rule${i}`,
    match: regex(raw.match, 'match'),
    marker: regex(raw.marker, 'marker'),
    agents,
    times: typeof raw.times === 'number' ? raw.times : Infinity,
    side: raw.side === true,
    steps,
    final: typeof raw.final === 'string' ? raw.final : undefined,
  };
}

/** Per-conversation memory: how often each rule started, and which rule owns the current user turn. */
export class ScriptState {
  constructor() {
    this.conversations = new Map();
  }
  get(key) {
    let c = this.conversations.get(key);
    if (!c) this.conversations.set(key, (c = { started: new Map(), turns: new Map() }));
    return c;
  }
  clear() {
    this.conversations.clear();
  }
}

/** Short stable hash used for conversation keys and turn keys. */
export const shortHash = (s) => createHash('sha256').update(String(s ?? '')).digest('hex').slice(0, 12);

function ruleApplies(rule, dialect, conv) {
  if (rule.side !== isSide(conv)) return false;
  if (rule.agents && !rule.agents.includes(AGENT_OF[dialect]) && !rule.agents.includes(dialect)) return false;
  if (rule.match && !rule.match.test(conv.userText ?? '')) return false;
  if (rule.marker && !rule.marker.test(conv.allText ?? '')) return false;
  return true;
}

/**
 * A side request offers no tools: Gemini's session summaries ("Summarize the user's primary intent…") and similar
 * helper calls. They quote the whole conversation, so ordinary rules would fire on them; only `side:true` rules do.
 */
const isSide = (conv) => conv.toolNames.length === 0;

/**
 * Decides the reply. `conv` is {userText, allText, toolRounds, lastIsToolResult, toolNames, structuredSchema}.
 * Returns {kind:'json'|'text'|'tool'|'error', ...} plus `rule`/`step` for the log.
 */
export function decide(script, state, dialect, convKey, conv) {
  if (conv.structuredSchema !== undefined) {
    return { kind: 'json', text: JSON.stringify(fakeFromSchema(conv.structuredSchema, script.json)) };
  }
  const memory = state.get(convKey);
  const turnKey = shortHash(conv.userText);
  if (conv.lastIsToolResult) {
    // Continuation: the step index is the number of tool rounds since the latest user text, so a retried
    // request gets the same answer and concurrent conversations cannot disturb each other.
    const owner = memory.turns.get(turnKey);
    const rule = owner !== undefined ? script.rules[owner] : script.rules.find((r) => ruleApplies(r, dialect, conv));
    if (!rule) return { kind: 'text', text: script.final, rule: null, step: conv.toolRounds };
    if (conv.toolRounds < rule.steps.length) return stepReply(rule, conv.toolRounds, dialect, conv);
    return { kind: 'text', text: fill(rule.final ?? script.final, capturesOf(rule, conv)), rule: rule.name, step: conv.toolRounds };
  }
  const rule = script.rules.find((r) => ruleApplies(r, dialect, conv) && (memory.started.get(r.index) ?? 0) < r.times);
  if (!rule) return { kind: 'text', text: isSide(conv) ? script.side : script.default, rule: null, step: 0 };
  memory.started.set(rule.index, (memory.started.get(rule.index) ?? 0) + 1);
  memory.turns.set(turnKey, rule.index);
  return stepReply(rule, 0, dialect, conv);
}

/** Replaces `$1`…`$9` and `$<name>` in every string of `value` with the rule's regex captures on the user text. */
function fill(value, groups) {
  if (typeof value === 'string') {
    return value.replace(/\$(\d)|\$<(\w+)>/g, (all, n, name) => (n !== undefined ? groups.list[n] : groups.named?.[name]) ?? all);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, groups));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, groups)]));
  return value;
}

function capturesOf(rule, conv) {
  const m = rule.match ? rule.match.exec(conv.userText ?? '') : null;
  return { list: m ? [...m] : [], named: m?.groups };
}

function stepReply(rule, index, dialect, conv) {
  const step = fill(rule.steps[index], capturesOf(rule, conv));
  const base = { rule: rule.name, step: index, delayMs: step.delayMs ?? 0 };
  if (step.httpStatus !== undefined) return { ...base, kind: 'error', status: step.httpStatus, text: step.text ?? 'fake error' };
  if (step.shell === undefined && step.mcpTool === undefined && step.tool === undefined) return { ...base, kind: 'text', text: String(step.text) };
  const call = step.shell !== undefined ? shellCall(step, dialect, conv.toolNames) : step.mcpTool !== undefined ? mcpCall(step, dialect, conv.toolNames) : { name: step.tool, args: step.args ?? {} };
  return { ...base, kind: 'tool', text: step.text, ...call };
}

/** The harness's own shell tool: Claude `Bash`, Codex `exec_command` (or older `shell`), Gemini `run_shell_command`. */
function shellCall(step, dialect, toolNames) {
  const command = String(step.shell);
  const description = step.description ?? 'scripted by the fake model server';
  if (dialect === 'anthropic') return { name: 'Bash', args: { command, description } };
  if (dialect === 'gemini') return { name: 'run_shell_command', args: { command, description } };
  if (!toolNames.includes('exec_command') && toolNames.includes('shell')) return { name: 'shell', args: { command: ['bash', '-lc', command] } };
  if (!toolNames.includes('exec_command') && toolNames.includes('shell_command')) return { name: 'shell_command', args: { command } };
  return { name: 'exec_command', args: { cmd: command } };
}

/**
 * An MCP tool, found in the tools the CLI offered by suffix: Claude and Codex say `mcp__<server>__<tool>`,
 * Gemini says `<tool>` (or `<server>__<tool>` on a clash). `server` narrows the search when given.
 */
function mcpCall(step, dialect, toolNames) {
  const tool = String(step.mcpTool);
  const server = step.server;
  const candidates = [
    (n) => server !== undefined && n === `mcp__${server}__${tool}`,
    (n) => server !== undefined && (n.endsWith(`${server}__${tool}`) || n.endsWith(`${server}_${tool}`)),
    (n) => server === undefined && n.endsWith(`__${tool}`),
    (n) => n === tool,
    (n) => server === undefined && n.endsWith(`_${tool}`),
  ];
  for (const test of candidates) {
    const name = toolNames.find(test);
    if (name) return { name, args: step.args ?? {} };
  }
  const guess = dialect === 'gemini' ? tool : `mcp__${server ?? 'unknown'}__${tool}`;
  return { name: guess, args: step.args ?? {}, note: `mcp tool "${tool}" not among the ${toolNames.length} offered tools` };
}
