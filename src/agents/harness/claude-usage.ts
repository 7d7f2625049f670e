import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageRead, UsageRecord } from '../card.js';
import { count } from '../../usage/figures.js';
import { fileText, jsonLines, objectField } from './session-files.js';

/**
 * Usage in a Claude Code transcript (claude-code 2.1.197): each assistant line carries `message.usage`
 * (`input_tokens`, `cache_creation_input_tokens`, `cache_read_input_tokens`, `output_tokens`). A message with several
 * content blocks is written as several lines with the same `message.id` and `requestId` and the same usage: one
 * request is counted once (its last line). Claude's own `<synthetic>` messages (errors, interruptions) cost nothing.
 */
export function claudeUsage(paths: string[]): UsageRead {
  const path = paths[0];
  if (!path) return { ok: false, reason: 'no Claude transcript for this session yet' };
  const records = new Map<string, UsageRecord>();
  let skipped = 0;
  for (const line of jsonLines(path)) {
    if (line.type !== 'assistant') continue;
    const message = objectField(line.message);
    const usage = objectField(message?.usage);
    if (!message || !usage || message.model === '<synthetic>') continue;
    const input = count(usage.input_tokens);
    const output = count(usage.output_tokens);
    const cacheRead = count(usage.cache_read_input_tokens);
    const cacheWrite = count(usage.cache_creation_input_tokens);
    if (typeof message.id !== 'string' || input === undefined || output === undefined || cacheRead === undefined || cacheWrite === undefined) {
      skipped++;
      continue;
    }
    const key = `${message.id}/${typeof line.requestId === 'string' ? line.requestId : ''}`;
    records.set(key, {
      key, model: typeof message.model === 'string' ? message.model : null,
      figures: { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite },
    });
  }
  return { ok: true, file: path, records: [...records.values()], skipped };
}

/** Claude Code on a subscription login (no API key in the environment, OAuth credentials on disk): costs are notional. */
export function claudeNotional(env: Record<string, string | undefined>): string | undefined {
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN || env.CLAUDE_CODE_USE_BEDROCK || env.CLAUDE_CODE_USE_VERTEX) return undefined;
  const home = env.HOME ?? '/root';
  const dir = env.CLAUDE_CONFIG_DIR ?? join(home, '.claude');
  const state = env.CLAUDE_CONFIG_DIR ? join(dir, '.claude.json') : join(home, '.claude.json');
  if (existsSync(join(dir, '.credentials.json')) || fileText(state).includes('"oauthAccount"')) return 'Claude subscription login';
  return undefined;
}
