/** What loop uses of a GitHub Actions job's environment (read by src/cli/env.ts, the only reader of process.env). */
export interface GithubEnv {
  /** `GITHUB_STEP_SUMMARY`: the file the job summary's Markdown is appended to. */
  stepSummary?: string;
  /** `GITHUB_OUTPUT`: the file the step's outputs are appended to. */
  output?: string;
  /** `GITHUB_WORKSPACE`: the checkout, that annotation paths are relative to. */
  workspace?: string;
  /** `RUNNER_TEMP`: where the run's bundle is written (else `$LOOP_HOME/bundles/`). */
  runnerTemp?: string;
  /** `GITHUB_RUN_ID` and `GITHUB_REPOSITORY`: to say how to fetch the bundle. */
  runId?: string;
  repository?: string;
}

/** GitHub output is on with `GITHUB_ACTIONS=true` or `--github`; undefined when it is off. */
export function githubEnvOf(env: Record<string, string | undefined>, flag: boolean): GithubEnv | undefined {
  if (!flag && env.GITHUB_ACTIONS !== 'true') return undefined;
  const pick = (name: string) => (env[name] ? env[name] : undefined);
  const out: GithubEnv = {};
  const set = <K extends keyof GithubEnv>(key: K, value: string | undefined) => {
    if (value) out[key] = value;
  };
  set('stepSummary', pick('GITHUB_STEP_SUMMARY'));
  set('output', pick('GITHUB_OUTPUT'));
  set('workspace', pick('GITHUB_WORKSPACE'));
  set('runnerTemp', pick('RUNNER_TEMP'));
  set('runId', pick('GITHUB_RUN_ID'));
  set('repository', pick('GITHUB_REPOSITORY'));
  return out;
}
