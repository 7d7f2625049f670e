import { existsSync, readFileSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { LoopError, ExitCode } from '../errors.js';
import { flagName, formatIssues } from './issues.js';
import { REPO_CONFIG_NAME, userConfigPath } from './paths.js';
import { ConfigSchema, DEFAULT_CONFIG, type Config, type ConfigFile } from './schema.js';

export interface LoadConfigOptions {
  cwd: string;
  /** Repository root: `.loop.json` is read from here. */
  repoRoot: string;
  /** LOOP_HOME: `config.json` is read from here. */
  home: string;
  /** Values from command-line flags (already validated by the CLI layer). */
  flags?: ConfigFile;
}

export interface LoadedConfig {
  config: Config;
  /** Files that contributed, in precedence order (lowest first). */
  sources: string[];
}

const configError = (message: string) => new LoopError('config', message, { exitCode: ExitCode.usage });

const displayPath = (cwd: string, path: string) => {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
};

/** Read and validate one config file; undefined if it does not exist. */
export function readConfigFile(path: string, shown: string): ConfigFile | undefined {
  if (!existsSync(path)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw configError(`${shown}: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) throw configError(formatIssues(shown, parsed.error.issues));
  return parsed.data;
}

/** Merge one layer over the effective config: scalars replace, nested objects and agents merge by key. */
export function mergeConfig(base: Config, layer: ConfigFile | undefined): Config {
  if (!layer) return base;
  const agents = { ...base.agents };
  for (const [name, agent] of Object.entries(layer.agents ?? {})) agents[name] = { ...agents[name], ...agent };
  // `reviewers` is the panel; a layer's single `reviewer` replaces a lower layer's panel (a flag beats .loop.json).
  const reviewers = layer.reviewers ?? (layer.reviewer !== undefined ? [layer.reviewer] : base.reviewers);
  return {
    worker: layer.worker ?? base.worker,
    reviewer: reviewers[0] ?? base.reviewer,
    reviewers: [...reviewers],
    panel: layer.panel ?? base.panel,
    proof: layer.proof ?? base.proof,
    maxIterations: layer.maxIterations ?? base.maxIterations,
    plan: layer.plan ?? base.plan,
    maxPlanRounds: layer.maxPlanRounds ?? base.maxPlanRounds,
    maxMessages: layer.maxMessages ?? base.maxMessages,
    maxMinutes: layer.maxMinutes ?? base.maxMinutes,
    turnTimeoutMinutes: layer.turnTimeoutMinutes ?? base.turnTimeoutMinutes,
    proofTimeoutSeconds: layer.proofTimeoutSeconds ?? base.proofTimeoutSeconds,
    maxCostUsd: layer.maxCostUsd ?? base.maxCostUsd,
    maxTokens: layer.maxTokens ?? base.maxTokens,
    prices: { ...base.prices, ...layer.prices },
    reviewerMayEdit: layer.reviewerMayEdit ?? base.reviewerMayEdit,
    proofSurface: layer.proofSurface ?? base.proofSurface,
    limits: { ...base.limits, ...layer.limits },
    terminal: { ...base.terminal, ...layer.terminal },
    stall: { ...base.stall, ...layer.stall },
    isolation: layer.isolation ?? base.isolation,
    worktree: layer.worktree ?? base.worktree,
    agents,
  };
}

/** Effective config: flags > repo `.loop.json` > `$LOOP_HOME/config.json` > defaults. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const userPath = userConfigPath(options.home);
  const repoPath = join(options.repoRoot, REPO_CONFIG_NAME);
  const user = readConfigFile(userPath, displayPath(options.cwd, userPath));
  const repo = readConfigFile(repoPath, displayPath(options.cwd, repoPath));
  let config = mergeConfig(mergeConfig(mergeConfig(DEFAULT_CONFIG, user), repo), options.flags);
  if (options.flags) {
    const parsed = ConfigSchema.safeParse(options.flags);
    if (!parsed.success) throw configError(formatIssues('command line', parsed.error.issues, 3, flagName));
  }
  config = { ...config, agents: { ...config.agents } };
  const sources = [user ? userPath : undefined, repo ? repoPath : undefined].filter((s): s is string => Boolean(s));
  return { config, sources };
}
