import { join } from 'node:path';
import type { UsageRead, UsageRecord } from '../card.js';
import { count } from '../../usage/figures.js';
import { fileText, jsonLines, objectField } from './session-files.js';

/** Codex's token counts (`input_tokens` includes the cached and cache-written ones, `output_tokens` the reasoning) in loop's terms. */
function figuresOf(usage: Record<string, unknown> | undefined): UsageRecord['figures'] | undefined {
  if (!usage) return undefined;
  const input = count(usage.input_tokens);
  const cached = count(usage.cached_input_tokens);
  const written = count(usage.cache_write_input_tokens);
  const output = count(usage.output_tokens);
  if (input === undefined || cached === undefined || written === undefined || output === undefined) return undefined;
  return { inputTokens: Math.max(0, input - cached - written), outputTokens: output, cacheReadTokens: cached, cacheWriteTokens: written };
}

/**
 * Usage in a Codex rollout file (codex 0.169): one `token_usage_record` line per model response, keyed by its
 * `response_id`, with that response's `usage`; the model is the one of the `turn_context` line before it. Rollouts
 * without those lines (older Codex) have `event_msg` `token_count` events: each one's `last_token_usage`, keyed by
 * the thread's running total (`total_token_usage.total_tokens`), so a repeated event is counted once.
 */
export function codexUsage(path: string): UsageRead {
  const records = new Map<string, UsageRecord>();
  const counts = new Map<string, UsageRecord>();
  let model: string | null = null;
  let skipped = 0;
  for (const line of jsonLines(path)) {
    const payload = objectField(line.payload);
    if (!payload) continue;
    if (line.type === 'turn_context' && typeof payload.model === 'string') model = payload.model;
    if (line.type === 'token_usage_record') {
      const figures = figuresOf(objectField(payload.usage));
      const id = typeof payload.response_id === 'string' ? payload.response_id : undefined;
      if (!figures || !id) skipped++;
      else records.set(`response:${id}`, { key: `response:${id}`, model, figures });
    }
    if (line.type === 'event_msg' && payload.type === 'token_count') {
      const info = objectField(payload.info);
      if (!info) continue; // a rate-limit update only
      const figures = figuresOf(objectField(info.last_token_usage));
      const total = count(objectField(info.total_token_usage)?.total_tokens);
      if (!figures || !total) skipped++;
      else counts.set(`total:${total}`, { key: `total:${total}`, model, figures });
    }
  }
  return { ok: true, file: path, records: [...(records.size > 0 ? records : counts).values()], skipped };
}

/**
 * Codex on a ChatGPT login (its `auth.json` holds tokens and no API key, and no custom model provider is
 * configured): costs are notional.
 */
export function codexNotional(env: Record<string, string | undefined>): string | undefined {
  if (env.OPENAI_API_KEY) return undefined;
  const dir = env.CODEX_HOME ?? join(env.HOME ?? '/root', '.codex');
  if (/^\s*model_provider\s*=/m.test(fileText(join(dir, 'config.toml')))) return undefined;
  const auth = fileText(join(dir, 'auth.json'));
  if (!auth) return undefined;
  try {
    const parsed = JSON.parse(auth) as { auth_mode?: unknown; OPENAI_API_KEY?: unknown; tokens?: unknown };
    if (parsed.auth_mode === 'chatgpt' || (parsed.tokens && !parsed.OPENAI_API_KEY)) return 'ChatGPT login';
  } catch {
    return undefined; // unreadable: not known to be a subscription
  }
  return undefined;
}
