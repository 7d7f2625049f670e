#!/usr/bin/env bash
# The tarball a user gets: from a fresh clone of this commit, `npm pack`, then a global install into an empty
# prefix with every build tool (cc, c++, gcc, g++, make, python3, node-gyp) replaced by a stub that records its
# use and fails; then loop --version, loop demo, loop doctor and the demo's own hints from /, and npx of the
# tarball. Needs the npm registry (npm ci, and the install's dependencies). Run: npm run test:pack
# Every command and its output goes to stdout; exit 0 only when every check holds.
set -euo pipefail
repo=$(git -C "$(dirname "$0")/../.." rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/loop-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { printf '\n[%3ss] $ %s\n' "$SECONDS" "$*"; }
fail() { printf 'pack-install: FAILED: %s\n' "$*" >&2; exit 1; }

step git clone "$repo" clone
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$(git -C "$repo" rev-parse HEAD)"
cd "$work/clone"
step npm ci
npm ci --no-audit --no-fund --loglevel=error >"$work/ci.log" 2>&1 || { cat "$work/ci.log"; fail 'npm ci'; }
step npm pack
npm pack --pack-destination "$work" --loglevel=error 2>"$work/pack.log" | tail -1 || { cat "$work/pack.log"; fail 'npm pack'; }
tarball=$(ls "$work"/proofloop-*.tgz)
tar -tzf "$tarball" | grep -E '^package/(bin/loop.js|dist/cli/main.js|dist/agent/agent-entry.js|schema/loop.schema.json|README.md|package.json)$' | sort
[[ $(tar -tzf "$tarball" | grep -cE '^package/(bin/loop.js|dist/cli/main.js|dist/agent/agent-entry.js|schema/loop.schema.json|README.md|package.json)$') == 6 ]] || fail 'the tarball lacks a file loop needs'
tar -tzf "$tarball" | grep -qE '^package/(src|test)/' && fail 'the tarball ships src/ or test/'

# No build tools: each is a stub that records its use and fails.
stubs="$work/no-build-tools"
mkdir -p "$stubs"
for tool in cc c++ gcc g++ clang make gmake python python3 node-gyp; do
  printf '#!/bin/sh\necho "%s $*" >> %s/used\nexit 127\n' "$tool" "$stubs" >"$stubs/$tool"
  chmod +x "$stubs/$tool"
done
prefix="$work/prefix"
mkdir "$prefix"
export PATH="$stubs:$PATH" npm_config_cache="$work/npm-cache" LOOP_HOME="$work/loop-home" NO_COLOR=1
step npm i -g "$(basename "$tarball")" --prefix "$prefix" "(PATH starts with stubs of: $(ls "$stubs" | tr '\n' ' '))"
npm i -g "$tarball" --prefix "$prefix" --no-audit --no-fund --foreground-scripts 2>&1 | tail -3
[[ -e $stubs/used ]] && fail "a build tool ran at install time: $(cat "$stubs/used")"
find "$prefix" -name '*.node' -path '*pty*' | sed "s|$prefix|<prefix>|"
find "$prefix" -path '*node-pty*' -name build -type d | grep -q . && fail 'node-pty was built at install time'
echo 'no build tool ran (no stub was called, no build/ folder)'

export PATH="$prefix/bin:$PATH"
cd /
step loop --version
loop --version
[[ $(loop --version) == "$(node -p "require('$work/clone/package.json').version")" ]] || fail 'loop --version'
step loop demo --ci
loop demo --ci >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail 'loop demo'; }
grep -E '^loop: (completed|plan|details)|^loop demo: next' "$work/demo.log"
id=$(sed -n 's/^loop: run \([^ ]*\) stored in .*/\1/p' "$work/demo.log")
grep -qx "loop: details: loop show $id" "$work/demo.log" || fail 'the demo hint is not `loop show <id>`'
step loop show "$id"
loop show "$id" | head -4
step loop doctor
loop doctor >"$work/doctor.log" 2>&1 || true # the agent CLIs may be missing here: those lines say so
grep -E 'node-pty|MCP bridge' "$work/doctor.log"
grep -qE '^✓ node-pty' "$work/doctor.log" || fail 'loop doctor: node-pty'
grep -qE '^✓ MCP bridge' "$work/doctor.log" || fail 'loop doctor: MCP bridge'
step loop completion bash '| bash -n'
loop completion bash | bash -n && echo 'bash accepts the script'

# npx, as `npx proofloop demo` once published (the tarball stands for the registry's package), with a fresh cache.
export npm_config_cache="$work/npx-cache" PATH="$stubs:${PATH#"$prefix/bin:"}"
step npx --yes --package "$(basename "$tarball")" loop demo --ci
npx --yes --package "$tarball" loop demo --ci >"$work/npx.log" 2>&1 || { cat "$work/npx.log"; fail 'npx demo'; }
grep -E '^loop: (completed|details)' "$work/npx.log"
id=$(sed -n 's/^loop: run \([^ ]*\) stored in .*/\1/p' "$work/npx.log")
grep -qx "loop: details: npx proofloop show $id" "$work/npx.log" || fail 'under npx the hint is not `npx proofloop show <id>`'
[[ -e $stubs/used ]] && fail "a build tool ran under npx: $(cat "$stubs/used")"
step npx --yes --package "$(basename "$tarball")" loop show "$id" '(the hint; the tarball stands for the published package)'
npx --yes --package "$tarball" loop show "$id" | head -2
printf '\npack-install: OK in %ss\n' "$SECONDS"
