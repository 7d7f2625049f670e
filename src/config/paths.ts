import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$LOOP_HOME`, default `~/.loop`: the only place loop reads its home from the environment. */
export function loopHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.LOOP_HOME?.trim();
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.loop');
}

/** The user config file under LOOP_HOME. */
export const userConfigPath = (home: string) => join(home, 'config.json');

/** The repository config file. */
export const REPO_CONFIG_NAME = '.loop.json';
