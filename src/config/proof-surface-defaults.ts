/**
 * The default proof surface: globs (relative to the repository root) of files whose change can weaken the
 * proof — tests, package manifests and lockfiles, CI, loop's own config, build files, and the harness configs
 * the agents read. A glob without a slash matches the file name anywhere. Config `proofSurface` replaces them.
 */
export const DEFAULT_PROOF_SURFACE: readonly string[] = [
  // tests
  '**/test/**', '**/tests/**', '**/__tests__/**', '**/spec/**',
  '*.test.*', '*.spec.*', '*_test.*', 'test_*.py', 'conftest.py',
  // test-runner configs
  'jest.config.*', 'vitest.config.*', '.mocharc*', 'pytest.ini', 'tox.ini',
  // package manifests and lockfiles
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock',
  'Cargo.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'go.sum', 'Gemfile.lock', 'composer.lock',
  // CI
  '.github/**', '.gitlab-ci.yml', '.circleci/**', '.ci/**', 'Jenkinsfile', 'azure-pipelines.yml',
  // loop, build, and the agents' harness configs
  '.loop.json', 'Makefile', '.claude/**', '.gemini/**', '.codex/**',
];
