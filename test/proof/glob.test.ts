import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { globMatcher, globToRegExp } from '../../src/proof/glob.js';
import { DEFAULT_PROOF_SURFACE } from '../../src/config/proof-surface-defaults.js';

const matches = (pattern: string, path: string) => globToRegExp(pattern).test(path);

describe('globToRegExp', () => {
  test('* stays within one segment; ? is one character', () => {
    assert.equal(matches('src/*.js', 'src/a.js'), true);
    assert.equal(matches('src/*.js', 'src/lib/a.js'), false);
    assert.equal(matches('src/?.js', 'src/a.js'), true);
    assert.equal(matches('src/?.js', 'src/ab.js'), false);
    assert.equal(matches('src/?.js', 'src//.js'), false);
  });

  test('** spans any number of directories, zero included', () => {
    assert.equal(matches('**/package.json', 'package.json'), true);
    assert.equal(matches('**/package.json', 'packages/a/package.json'), true);
    assert.equal(matches('test/**', 'test/a.js'), true);
    assert.equal(matches('test/**', 'test/deep/er/a.js'), true);
    assert.equal(matches('test/**', 'test'), false);
    assert.equal(matches('test/**', 'src/test/a.js'), false);
    assert.equal(matches('**/test/**', 'src/test/a.js'), true);
    assert.equal(matches('a/**/b.txt', 'a/b.txt'), true);
    assert.equal(matches('a/**/b.txt', 'a/x/y/b.txt'), true);
    assert.equal(matches('a/**/b.txt', 'ab.txt'), false);
  });

  test('{a,b} alternatives, nested too', () => {
    assert.equal(matches('*.{js,ts}', 'x.ts'), true);
    assert.equal(matches('*.{js,ts}', 'x.py'), false);
    assert.equal(matches('{src,lib}/*.{c,h{,pp}}', 'lib/x.hpp'), true);
    assert.equal(matches('{src,lib}/*.{c,h{,pp}}', 'lib/x.h'), true);
    assert.equal(matches('{src,lib}/*.{c,h{,pp}}', 'doc/x.h'), false);
  });

  test('a pattern without a slash matches the basename anywhere', () => {
    assert.equal(matches('*.test.*', 'a.test.js'), true);
    assert.equal(matches('*.test.*', 'src/deep/a.test.ts'), true);
    assert.equal(matches('Makefile', 'sub/Makefile'), true);
    assert.equal(matches('Makefile', 'sub/Makefile.bak'), false);
    assert.equal(matches('conftest.py', 'pkg/conftest.py'), true);
  });

  test('regex characters are literal; an unbalanced brace is literal; ./, / and a trailing slash are understood', () => {
    assert.equal(matches('a+b(1).txt', 'a+b(1).txt'), true);
    assert.equal(matches('a.txt', 'abtxt'), false);
    assert.equal(matches('x{y', 'x{y'), true);
    assert.equal(matches('./src/a.js', 'src/a.js'), true);
    assert.equal(matches('/src/a.js', 'src/a.js'), true);
    assert.equal(matches('docs/', 'docs/a/b.md'), true);
  });
});

describe('globMatcher with the default proof surface', () => {
  const inSurface = globMatcher(DEFAULT_PROOF_SURFACE);

  test('tests, manifests, lockfiles, CI, loop config, build and harness configs are in', () => {
    for (const path of [
      'test/a.test.js', 'tests/unit/x.py', 'src/__tests__/x.js', 'spec/x_spec.rb', 'src/a.spec.ts', 'pkg/a_test.go',
      'pkg/test_a.py', 'conftest.py', 'package.json', 'packages/a/package.json', 'package-lock.json', 'yarn.lock',
      'pnpm-lock.yaml', 'bun.lockb', '.github/workflows/ci.yml', '.gitlab-ci.yml', '.circleci/config.yml', '.ci/run',
      'Jenkinsfile', 'azure-pipelines.yml', '.loop.json', 'Makefile', '.claude/settings.json', '.gemini/settings.json',
      '.codex/config.toml', 'jest.config.js',
    ]) assert.equal(inSurface(path), true, path);
  });

  test('ordinary source files are out', () => {
    for (const path of ['src/index.ts', 'README.md', 'PLAN.md', 'lib/testing.js', 'src/contest.js', 'docs/spec.md']) {
      assert.equal(inSurface(path), false, path);
    }
  });
});
