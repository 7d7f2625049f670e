#!/usr/bin/env node
// Scripted fake model server for the real-harness e2e tests: speaks Anthropic Messages (Claude Code),
// OpenAI Responses (Codex CLI) and Gemini generateContent (Gemini CLI) on 127.0.0.1, no dependencies.
//
//   node server.mjs [--port 0] [--host 127.0.0.1] [--rules rules.json] [--port-file F] [--log F]
//   env: FAKE_PORT, FAKE_RULES, FAKE_LOG (JSONL, one line per request), FAKE_DUMP_DIR (full request bodies)
//
// Control endpoints: GET /__health, GET /__log[?since=N], DELETE /__log, GET|POST /__script, POST /__reset.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { countTokensAnthropic, errorAnthropic, parseAnthropic, renderAnthropic } from './anthropic.mjs';
import { countTokensGemini, errorGemini, parseGemini, renderGemini } from './gemini.mjs';
import { sendJson, sleep } from './http-util.mjs';
import { errorOpenAI, parseOpenAI, renderOpenAI } from './openai.mjs';
import { decide, normaliseScript, ScriptState } from './script.mjs';

const DIALECTS = {
  anthropic: { parse: parseAnthropic, render: renderAnthropic, error: errorAnthropic },
  openai: { parse: parseOpenAI, render: renderOpenAI, error: errorOpenAI },
  gemini: { parse: parseGemini, render: renderGemini, error: errorGemini },
};
const MAX_BODY = 64 * 1024 * 1024;
const clip = (s, n = 300) => (typeof s === 'string' && s.length > n ? `${s.slice(0, n)}…` : s);

/** Reads a JSON request body; resolves `undefined` for an empty body. */
function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() ? JSON.parse(text) : undefined);
      } catch (err) {
        reject(new Error(`invalid JSON body: ${err.message}`));
      }
    });
  });
}

/** Maps a request to {dialect, op, model}; op is 'turn', 'count' or undefined (not a model route). */
function route(method, pathname) {
  if (method !== 'POST') return {};
  if (/^\/v1\/messages\/?$/.test(pathname)) return { dialect: 'anthropic', op: 'turn' };
  if (/^\/v1\/messages\/count_tokens\/?$/.test(pathname)) return { dialect: 'anthropic', op: 'count' };
  if (/^\/v1\/responses\/?$/.test(pathname)) return { dialect: 'openai', op: 'turn' };
  const g = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent|countTokens)$/.exec(pathname);
  if (g) return { dialect: 'gemini', op: g[2] === 'countTokens' ? 'count' : 'turn', model: decodeURIComponent(g[1]), stream: g[2] === 'streamGenerateContent' };
  return {};
}

/**
 * Starts the server. `script` (object) or `scriptFile` (path) gives the rules; `logFile` appends one JSON line
 * per request; `dumpDir` stores every full request. Resolves to a handle with the port, URLs and controls.
 */
export async function startModelServer({ port = 0, host = '127.0.0.1', script, scriptFile, logFile, dumpDir } = {}) {
  let source = script ?? (scriptFile ? JSON.parse(readFileSync(scriptFile, 'utf8')) : []);
  let current = normaliseScript(source);
  const state = new ScriptState();
  let log = [];
  const held = new Set(); // requests whose reply is being held back by a step's delayMs
  let seq = 0;
  if (dumpDir) mkdirSync(dumpDir, { recursive: true });

  const record = (entry) => {
    log.push(entry);
    if (logFile) {
      try {
        appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
      } catch {
        // logging must never break a reply
      }
    }
  };

  async function handle(req, res) {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry = { seq: 0, at: new Date(started).toISOString(), method: req.method, path: url.pathname + url.search };
    try {
      if (url.pathname === '/__health') return sendJson(res, 200, { ok: true, port: server.address().port, requests: seq, pid: process.pid });
      if (url.pathname === '/__log') {
        if (req.method === 'DELETE') {
          log = [];
          return sendJson(res, 200, { ok: true });
        }
        const since = Number(url.searchParams.get('since') ?? 0);
        return sendJson(res, 200, { requests: log.filter((e) => e.seq > since) });
      }
      if (url.pathname === '/__script') {
        if (req.method === 'GET') return sendJson(res, 200, source);
        const body = await readJson(req);
        current = normaliseScript(body);
        source = body;
        state.clear();
        return sendJson(res, 200, { ok: true, rules: current.rules.length });
      }
      if (url.pathname === '/__reset' && req.method === 'POST') {
        log = [];
        state.clear();
        return sendJson(res, 200, { ok: true });
      }

      entry.seq = ++seq;
      const r = route(req.method, url.pathname);
      const body = (await readJson(req)) ?? {};
      if (dumpDir) writeFileSync(join(dumpDir, `${String(entry.seq).padStart(4, '0')}-${r.dialect ?? 'other'}.json`), JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }, null, 1));
      if (!r.dialect) {
        Object.assign(entry, { kind: 'other', status: 404 });
        // Claude Code probes `HEAD /` before its first request.
        if ((req.method === 'HEAD' || req.method === 'GET') && url.pathname === '/') {
          entry.status = 200;
          return sendJson(res, 200, { ok: true });
        }
        // Codex asks for a model list on some paths; an empty list is accepted.
        if (req.method === 'GET' && /\/models\/?$/.test(url.pathname)) {
          entry.status = 200;
          return sendJson(res, 200, { object: 'list', data: [], models: [] });
        }
        return sendJson(res, 404, { error: { message: `fake model server: no route for ${req.method} ${url.pathname}` } });
      }
      entry.dialect = r.dialect;
      if (r.op === 'count') {
        entry.kind = 'count_tokens';
        return r.dialect === 'gemini' ? countTokensGemini(res, body) : countTokensAnthropic(res, body);
      }
      const d = DIALECTS[r.dialect];
      const parsed = d.parse(body, req.headers, r.model);
      if (r.stream !== undefined) parsed.stream = r.stream;
      const reply = decide(current, state, r.dialect, parsed.convKey, parsed.conv);
      Object.assign(entry, {
        kind: parsed.conv.structuredSchema !== undefined ? 'structured' : parsed.conv.toolNames.length === 0 ? 'side' : 'turn',
        conv: parsed.convKey,
        model: parsed.model,
        stream: parsed.stream,
        userText: clip(parsed.conv.userText),
        toolRounds: parsed.conv.toolRounds,
        lastIsToolResult: parsed.conv.lastIsToolResult,
        tools: parsed.conv.toolNames.length,
        reply: { kind: reply.kind, rule: reply.rule, step: reply.step, name: reply.name, args: reply.args, text: clip(reply.text) },
      });
      if (reply.note) entry.note = reply.note;
      if (reply.delayMs > 0) {
        held.add(entry);
        try {
          await sleep(reply.delayMs);
        } finally {
          held.delete(entry);
        }
      }
      if (reply.kind === 'error') return d.error(res, reply.status, reply.text);
      entry.usage = d.render(res, reply, { model: parsed.model ?? 'fake-model', stream: parsed.stream, namespaces: parsed.namespaces });
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) sendJson(res, url.pathname.startsWith('/__') ? 400 : 500, { error: { message: `fake model server: ${entry.error}` } });
      else res.end();
    } finally {
      entry.ms = Date.now() - started;
      if (!url.pathname.startsWith('/__')) record(entry);
      if (!res.writableEnded) res.end(); // never leave a CLI waiting on an open stream
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  // WebSocket upgrades (Codex's built-in provider tries them first) are refused at once so it falls back to HTTP.
  server.on('upgrade', (req, socket) => socket.end('HTTP/1.1 426 Upgrade Required\r\nconnection: close\r\n\r\n'));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  const url = `http://${host}:${actual}`;
  return {
    port: actual,
    url,
    /** ANTHROPIC_BASE_URL, codex provider base_url, GOOGLE_GEMINI_BASE_URL. */
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    geminiBaseUrl: url,
    setScript(next) {
      current = normaliseScript(next);
      source = next;
      state.clear();
    },
    requests: () => [...log],
    /** The requests whose reply is held back right now (a step with delayMs): the agent is mid-turn. */
    held: () => [...held],
    reset() {
      log = [];
      state.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function argValue(argv, name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log('usage: node server.mjs [--port N] [--host H] [--rules FILE] [--port-file FILE] [--log FILE] [--dump-dir DIR]');
    return;
  }
  const handle = await startModelServer({
    port: Number(argValue(argv, '--port') ?? process.env.FAKE_PORT ?? 0),
    host: argValue(argv, '--host') ?? '127.0.0.1',
    scriptFile: argValue(argv, '--rules') ?? process.env.FAKE_RULES,
    logFile: argValue(argv, '--log') ?? process.env.FAKE_LOG,
    dumpDir: argValue(argv, '--dump-dir') ?? process.env.FAKE_DUMP_DIR,
  });
  const portFile = argValue(argv, '--port-file');
  if (portFile) writeFileSync(portFile, `${handle.port}\n`);
  console.log(JSON.stringify({ fakeModelServer: 'listening', port: handle.port, url: handle.url, pid: process.pid }));
  const stop = () => void handle.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`fake model server: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
