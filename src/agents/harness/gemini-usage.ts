import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageRead, UsageRecord } from '../card.js';
import { count } from '../../usage/figures.js';
import { chatMessages } from './gemini-chat.js';
import { objectField } from './session-files.js';

/**
 * Usage in a Gemini CLI chat record (gemini-cli 0.61): each `gemini` message carries `tokens` (`input` = the
 * prompt, cached included; `cached`; `output`; `thoughts`, billed as output; `tool`, the tool-use prompt) and
 * `model`. A message is rewritten under its id as it grows (tool calls added): the last version counts.
 */
export function geminiUsage(paths: string[]): UsageRead {
  const path = paths[0];
  if (!path) return { ok: false, reason: 'no Gemini chat record for this session yet' };
  const records: UsageRecord[] = [];
  let skipped = 0;
  for (const message of chatMessages(path)) {
    const tokens = objectField(message.tokens);
    if (message.type !== 'gemini' || !tokens) continue;
    const input = count(tokens.input);
    const cached = count(tokens.cached);
    const output = count(tokens.output);
    const thoughts = count(tokens.thoughts);
    const tool = count(tokens.tool);
    if (input === undefined || cached === undefined || output === undefined || thoughts === undefined || tool === undefined) {
      skipped++;
      continue;
    }
    const { model } = message;
    records.push({
      key: message.id, model: typeof model === 'string' ? model : null,
      figures: { inputTokens: Math.max(0, input - cached) + tool, outputTokens: output + thoughts, cacheReadTokens: cached, cacheWriteTokens: 0 },
    });
  }
  return { ok: true, file: path, records, skipped };
}

/** Gemini CLI signed in with a Google account (no API key, OAuth credentials on disk): costs are notional. */
export function geminiNotional(env: Record<string, string | undefined>): string | undefined {
  if (env.GEMINI_API_KEY || env.GOOGLE_API_KEY || env.GOOGLE_GENAI_USE_VERTEXAI) return undefined;
  const dir = join(env.GEMINI_CLI_HOME ?? env.HOME ?? '/root', '.gemini');
  return existsSync(join(dir, 'oauth_creds.json')) ? 'Google account login' : undefined;
}
