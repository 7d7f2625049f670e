import { contentText, readTail } from './session-files.js';

/** One message of a Gemini chat record (`{id, type: 'user' | 'gemini' | 'info' …, content}`). */
interface ChatMessage {
  id: string;
  type?: unknown;
  content?: unknown;
  toolCalls?: unknown[];
  thoughts?: unknown[];
  /** Token counts of a `gemini` message (see gemini-usage.ts), and its model. */
  tokens?: unknown;
  model?: unknown;
}

const isMessage = (value: unknown): value is ChatMessage =>
  typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';

/**
 * The messages a Gemini chat record (`~/.gemini/tmp/<project>/chats/session-….jsonl`) holds now, replayed as
 * gemini 0.61 reads it (loadConversationRecord): a line with an `id` adds or replaces that message, a
 * `{"$set": {"messages": […]}}` line replaces them all, a `{"$rewindTo": id}` line drops that message and all after.
 */
export function chatMessages(path: string): ChatMessage[] {
  const messages = new Map<string, ChatMessage>();
  for (const line of readTail(path).split('\n')) {
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // a torn last line, or the cut head of a tail read
    }
    if (typeof record !== 'object' || record === null) continue;
    const { $set, $rewindTo } = record as { $set?: { messages?: unknown }; $rewindTo?: unknown };
    if (typeof $rewindTo === 'string') {
      const ids = [...messages.keys()];
      const from = ids.indexOf($rewindTo);
      for (const id of from === -1 ? ids : ids.slice(from)) messages.delete(id);
    } else if (isMessage(record)) {
      messages.set(record.id, record);
    } else if ($set && Array.isArray($set.messages)) {
      messages.clear();
      for (const message of $set.messages) if (isMessage(message)) messages.set(message.id, message);
    }
  }
  return [...messages.values()];
}

/** Text of a message's content parts ('' when it has none). */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('') : '';

/**
 * Would `gemini --resume` take this message as conversation? gemini 0.61 (isResumableMessageRecord) lists a
 * session only when one of its messages is: a user message that is not empty, a command (`/`, `?`), or the
 * context it adds itself (`<session_context>` at launch, `<hook_context>`); or a model message with text, tool
 * calls or thoughts. Otherwise `--resume` exits 42, "No previous sessions found for this project".
 */
export function isResumable(message: ChatMessage): boolean {
  const text = textOf(message.content).trim();
  if (message.type === 'user') return !(text === '' || /^(\/|\?|<session_context>|<hook_context>)/.test(text));
  if (message.type === 'gemini') return text !== '' || (message.toolCalls?.length ?? 0) > 0 || (message.thoughts?.length ?? 0) > 0;
  return false;
}

/** The text of a user prompt with text parts only (no function responses), else undefined. */
export const promptText = (message: ChatMessage): string | undefined => (message.type === 'user' ? contentText(message.content) : undefined);
