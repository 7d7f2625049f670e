import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, mergeConfig, readConfigFile } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { LoopError } from '../../src/errors.js';

const base = mkdtempSync(join(tmpdir(), 'loop-config-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
/** A fresh repo dir (also the cwd) and a fresh LOOP_HOME, with optional config files. */
function setup(files: { repo?: unknown; user?: unknown; repoRaw?: string; userRaw?: string } = {}) {
  const dir = join(base, `case-${++counter}`);
  const repo = join(dir, 'repo');
  const home = join(dir, 'home');
  mkdirSync(repo, { recursive: true });
  mkdirSync(home, { recursive: true });
  if (files.repo !== undefined) writeFileSync(join(repo, '.loop.json'), JSON.stringify(files.repo));
  if (files.repoRaw !== undefined) writeFileSync(join(repo, '.loop.json'), files.repoRaw);
  if (files.user !== undefined) writeFileSync(join(home, 'config.json'), JSON.stringify(files.user));
  if (files.userRaw !== undefined) writeFileSync(join(home, 'config.json'), files.userRaw);
  return { repo, home, cwd: repo };
}

/** Runs fn, expects a LoopError with exit code 2, and returns its message. */
function configErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof LoopError, `expected LoopError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.equal(error.code, 'config');
    return error.message;
  }
  assert.fail('expected a config error');
}

describe('loadConfig precedence', () => {
  test('no files: the defaults, no sources', () => {
    const { repo, home, cwd } = setup();
    const { config, sources } = loadConfig({ cwd, repoRoot: repo, home });
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.deepEqual(sources, []);
  });

  test('user config overrides defaults', () => {
    const { repo, home, cwd } = setup({ user: { worker: 'claude', maxIterations: 9 } });
    const { config, sources } = loadConfig({ cwd, repoRoot: repo, home });
    assert.equal(config.worker, 'claude');
    assert.equal(config.maxIterations, 9);
    assert.equal(config.reviewer, DEFAULT_CONFIG.reviewer);
    assert.deepEqual(sources, [join(home, 'config.json')]);
  });

  test('repo .loop.json overrides user config; flags override both', () => {
    const { repo, home, cwd } = setup({
      user: { worker: 'claude', reviewer: 'gemini', maxIterations: 9, maxMessages: 11 },
      repo: { worker: 'gemini', maxIterations: 3, proof: ['npm test'] },
    });
    const noFlags = loadConfig({ cwd, repoRoot: repo, home });
    assert.equal(noFlags.config.worker, 'gemini');
    assert.equal(noFlags.config.reviewer, 'gemini');
    assert.equal(noFlags.config.maxIterations, 3);
    assert.equal(noFlags.config.maxMessages, 11);
    assert.deepEqual(noFlags.config.proof, ['npm test']);
    assert.deepEqual(noFlags.sources, [join(home, 'config.json'), join(repo, '.loop.json')]);

    const withFlags = loadConfig({ cwd, repoRoot: repo, home, flags: { maxIterations: 7, proof: ['make check'] } });
    assert.equal(withFlags.config.maxIterations, 7);
    assert.deepEqual(withFlags.config.proof, ['make check']);
    assert.equal(withFlags.config.worker, 'gemini');
    assert.equal(withFlags.config.maxMessages, 11);
  });

  test('nested limits and terminal merge key by key across layers', () => {
    const { repo, home, cwd } = setup({
      user: { limits: { payloadBytes: 4096 }, terminal: { cols: 100 } },
      repo: { limits: { findings: 10 }, terminal: { rows: 40 } },
    });
    const { config } = loadConfig({ cwd, repoRoot: repo, home, flags: { terminal: { recordingBytes: 0 } } });
    assert.deepEqual(config.limits, { payloadBytes: 4096, envelopeBytes: DEFAULT_CONFIG.limits.envelopeBytes, findings: 10 });
    assert.deepEqual(config.terminal, { cols: 100, rows: 40, recordingBytes: 0 });
  });

  test('agents merge per agent and per key', () => {
    const { repo, home, cwd } = setup({
      user: { agents: { bot: { command: 'node', args: ['bot.js'], idlePattern: '^> ?$' }, other: { command: 'x' } } },
      repo: { agents: { bot: { args: ['bot2.js'] }, third: { command: 'y' } } },
    });
    const { config } = loadConfig({ cwd, repoRoot: repo, home, flags: { agents: { bot: { model: 'm1' } } } });
    assert.deepEqual(config.agents, {
      bot: { command: 'node', args: ['bot2.js'], idlePattern: '^> ?$', model: 'm1' },
      other: { command: 'x' },
      third: { command: 'y' },
    });
  });

  test('does not mutate DEFAULT_CONFIG', () => {
    const snapshot = structuredClone(DEFAULT_CONFIG);
    const { repo, home, cwd } = setup({ repo: { agents: { bot: { command: 'z' } }, limits: { findings: 3 } } });
    loadConfig({ cwd, repoRoot: repo, home });
    assert.deepEqual(DEFAULT_CONFIG, snapshot);
  });

  test('reviewerMayEdit defaults to false; proofSurface globs replace the default globs', () => {
    const defaults = setup();
    const plain = loadConfig({ cwd: defaults.cwd, repoRoot: defaults.repo, home: defaults.home }).config;
    assert.equal(plain.reviewerMayEdit, false);
    assert.ok(plain.proofSurface.includes('**/test/**') && plain.proofSurface.includes('.github/**'), plain.proofSurface.join(' '));
    const { repo, home, cwd } = setup({ repo: { reviewerMayEdit: true, proofSurface: ['checks/**', '*.snap'] } });
    const { config } = loadConfig({ cwd, repoRoot: repo, home });
    assert.equal(config.reviewerMayEdit, true);
    assert.deepEqual(config.proofSurface, ['checks/**', '*.snap']);
  });
});

describe('the plan keys', () => {
  test('plan review and maxPlanRounds 2 by default; .loop.json and flags override them', () => {
    const { repo, home, cwd } = setup({ user: { plan: 'off' }, repo: { plan: 'write', maxPlanRounds: 4 } });
    assert.equal(DEFAULT_CONFIG.plan, 'review');
    assert.equal(DEFAULT_CONFIG.maxPlanRounds, 2);
    const { config } = loadConfig({ cwd, repoRoot: repo, home });
    assert.deepEqual([config.plan, config.maxPlanRounds], ['write', 4]);
    assert.equal(loadConfig({ cwd, repoRoot: repo, home, flags: { plan: 'off' } }).config.plan, 'off');
  });

  test('a bad plan mode or round count names the file and the key', () => {
    const mode = setup({ repo: { plan: 'later' } });
    assert.equal(configErrorMessage(() => loadConfig({ cwd: mode.cwd, repoRoot: mode.repo, home: mode.home })), '.loop.json: plan: Invalid option: expected one of "review"|"write"|"off"');
    const rounds = setup({ repo: { maxPlanRounds: 0 } });
    assert.equal(configErrorMessage(() => loadConfig({ cwd: rounds.cwd, repoRoot: rounds.repo, home: rounds.home })), '.loop.json: maxPlanRounds: must be at least 1');
  });
});

describe('loadConfig errors', () => {
  test('wrong type names the file relative to cwd and the dotted path', () => {
    const { repo, home, cwd } = setup({ repo: { maxIterations: 'five' } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: maxIterations: expected number, received string',
    );
  });

  test('file shown relative to a parent cwd', () => {
    const { repo, home } = setup({ repo: { maxIterations: 'five' } });
    const message = configErrorMessage(() => loadConfig({ cwd: join(repo, '..'), repoRoot: repo, home }));
    assert.equal(message, 'repo/.loop.json: maxIterations: expected number, received string');
  });

  test('a file outside cwd is shown by its absolute path', () => {
    const { repo, home, cwd } = setup({ user: { worker: 3 } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      `${join(home, 'config.json')}: worker: expected string, received number`,
    );
  });

  test('nested agent field: agents.bot.args', () => {
    const { repo, home, cwd } = setup({ repo: { agents: { bot: { command: 'node', args: 'bot.js' } } } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: agents.bot.args: expected array, received string',
    );
  });

  test('array element path: agents.bot.args.1', () => {
    const { repo, home, cwd } = setup({ repo: { agents: { bot: { args: ['a', 2] } } } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: agents.bot.args.1: expected string, received number',
    );
  });

  test('unknown top-level key', () => {
    const { repo, home, cwd } = setup({ repo: { maxIteration: 3 } });
    assert.equal(configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })), '.loop.json: maxIteration: unknown key');
  });

  test('unknown keys, nested and several', () => {
    const { repo, home, cwd } = setup({ repo: { limits: { bytes: 1, count: 2 } } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: limits.bytes, limits.count: unknown keys',
    );
  });

  test('unknown key inside an agent', () => {
    const { repo, home, cwd } = setup({ repo: { agents: { bot: { command: 'x', cmd: 'y' } } } });
    assert.equal(configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })), '.loop.json: agents.bot.cmd: unknown key');
  });

  test('invalid regex in idlePattern', () => {
    const { repo, home, cwd } = setup({ repo: { agents: { bot: { command: 'x', idlePattern: '^(> $' } } } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: agents.bot.idlePattern: must be a valid regular expression',
    );
  });

  test('invalid agent name says what names may contain', () => {
    const { repo, home, cwd } = setup({ repo: { agents: { 'my bot': { command: 'x' } } } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: agents.my bot: an agent name uses letters, digits, . _ - (at most 64)',
    );
  });

  test('invalid JSON names the file', () => {
    const { repo, home, cwd } = setup({ repoRaw: '{ "worker": "codex", }' });
    const message = configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home }));
    assert.match(message, /^\.loop\.json: invalid JSON: /);
  });

  test('invalid JSON in the user config names that file', () => {
    const { repo, home, cwd } = setup({ userRaw: 'not json' });
    const message = configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home }));
    assert.ok(message.startsWith(`${join(home, 'config.json')}: invalid JSON: `), message);
  });

  test('at most three problems, then a count', () => {
    const { repo, home, cwd } = setup({ repo: { worker: 1, reviewer: 2, proof: 3, maxIterations: 'x', maxMessages: 'y' } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      [
        '.loop.json: worker: expected string, received number',
        '.loop.json: reviewer: expected string, received number',
        '.loop.json: proof: expected array, received number',
        '.loop.json: …and 2 more problem(s)',
      ].join('\n'),
    );
  });

  test('proofSurface and reviewerMayEdit: wrong types name the dotted path', () => {
    const { repo, home, cwd } = setup({ repo: { proofSurface: ['test/**', 3], reviewerMayEdit: 'yes' } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home })),
      '.loop.json: reviewerMayEdit: expected boolean, received string\n.loop.json: proofSurface.1: expected string, received number',
    );
  });

  test('out-of-range number names the path', () => {
    const { repo, home, cwd } = setup({ repo: { maxIterations: 0 } });
    const message = configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home }));
    assert.equal(message, '.loop.json: maxIterations: must be at least 1');
  });

  test('bad flags are reported as the command line, named by their flag, in plain words', () => {
    const { repo, home, cwd } = setup();
    const bad = (flags: unknown) => configErrorMessage(() => loadConfig({ cwd, repoRoot: repo, home, flags: flags as never }));
    assert.equal(bad({ maxIterations: -1 }), 'command line: --max-iterations: must be at least 1');
    assert.equal(bad({ maxIterations: 500 }), 'command line: --max-iterations: must be at most 100');
    assert.equal(bad({ reviewers: ['a', 'b', 'c', 'd', 'e', 'f'] }), 'command line: --reviewer: a panel has at most 5 reviewers');
    assert.equal(bad({ reviewer: 'B@D' }), 'command line: --reviewer: an agent name uses letters, digits, . _ - (at most 64)');
    assert.equal(bad({ maxCostUsd: 2_000_000 }), 'command line: --max-cost: must be at most 1000000');
    assert.equal(bad({ proof: [''] }), 'command line: --proof.0: must not be empty');
  });
});

describe('readConfigFile and mergeConfig', () => {
  test('readConfigFile: missing file is undefined, a valid one is parsed', () => {
    const { repo } = setup({ repo: { proof: ['true'], $schema: 'x' } });
    assert.equal(readConfigFile(join(repo, 'nope.json'), 'nope.json'), undefined);
    assert.deepEqual(readConfigFile(join(repo, '.loop.json'), '.loop.json'), { proof: ['true'], $schema: 'x' });
  });

  test('mergeConfig: undefined layer returns the base; scalars replace', () => {
    assert.equal(mergeConfig(DEFAULT_CONFIG, undefined), DEFAULT_CONFIG);
    const merged = mergeConfig(DEFAULT_CONFIG, { proofTimeoutSeconds: 5, maxMinutes: 1, turnTimeoutMinutes: 2 });
    assert.equal(merged.proofTimeoutSeconds, 5);
    assert.equal(merged.maxMinutes, 1);
    assert.equal(merged.turnTimeoutMinutes, 2);
    assert.equal(merged.worker, DEFAULT_CONFIG.worker);
  });
});

describe('a panel of reviewers', () => {
  test('reviewers and panel: the panel in role order, its policy; reviewer is the first', () => {
    const { repo, home, cwd } = setup({ repo: { reviewers: ['claude', 'gemini'], panel: 'majority' } });
    const { config } = loadConfig({ cwd, repoRoot: repo, home });
    assert.deepEqual(config.reviewers, ['claude', 'gemini']);
    assert.equal(config.reviewer, 'claude');
    assert.equal(config.panel, 'majority');
    assert.equal(DEFAULT_CONFIG.panel, 'all');
    assert.deepEqual(DEFAULT_CONFIG.reviewers, [DEFAULT_CONFIG.reviewer]);
  });

  test('a single reviewer on a higher layer replaces a panel below it; reviewers (--reviewer twice) replace a single one', () => {
    const { repo, home, cwd } = setup({ user: { reviewers: ['codex', 'gemini'] }, repo: { reviewer: 'claude' } });
    assert.deepEqual(loadConfig({ cwd, repoRoot: repo, home }).config.reviewers, ['claude']);
    const flags = { reviewers: ['gemini', 'codex', 'claude'] };
    const { config } = loadConfig({ cwd, repoRoot: repo, home, flags });
    assert.deepEqual(config.reviewers, ['gemini', 'codex', 'claude']);
    assert.equal(config.reviewer, 'gemini');
  });

  test('reviewer and reviewers together must agree; at most five reviewers; a policy of the three', () => {
    const both = setup({ repo: { reviewer: 'claude', reviewers: ['gemini', 'claude'] } });
    assert.equal(
      configErrorMessage(() => loadConfig({ cwd: both.cwd, repoRoot: both.repo, home: both.home })),
      ".loop.json: reviewers.0: must be the reviewer ('claude') when both are given; or give only reviewers",
    );
    const agree = setup({ repo: { reviewer: 'claude', reviewers: ['claude', 'gemini'] } });
    assert.deepEqual(loadConfig({ cwd: agree.cwd, repoRoot: agree.repo, home: agree.home }).config.reviewers, ['claude', 'gemini']);
    const six = setup({ repo: { reviewers: ['a', 'b', 'c', 'd', 'e', 'f'] } });
    assert.match(configErrorMessage(() => loadConfig({ cwd: six.cwd, repoRoot: six.repo, home: six.home })), /^\.loop\.json: reviewers: a panel has at most 5 reviewers$/);
    const none = setup({ repo: { reviewers: [] } });
    assert.match(configErrorMessage(() => loadConfig({ cwd: none.cwd, repoRoot: none.repo, home: none.home })), /^\.loop\.json: reviewers: give at least one reviewer$/);
    const policy = setup({ repo: { panel: 'most' } });
    assert.match(configErrorMessage(() => loadConfig({ cwd: policy.cwd, repoRoot: policy.repo, home: policy.home })), /^\.loop\.json: panel: .*"all"\|"majority"\|"any"/);
  });
});
