#!/usr/bin/env bash
# Installs the pinned real agent CLIs (claude, codex, gemini), pinned in test/e2e/harnesses/package.json, into the
# repository's .harnesses/ (gitignored, outside test/: ~740 MB of vendor binaries that greps over test/ should not see).
# Idempotent: does nothing when every pinned package is already installed at its pinned version.
# Prints the three `--version`s. Usage: test/e2e/install-harnesses.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pins_file="$here/harnesses/package.json"
dir="$(cd "$here/../.." && pwd)/.harnesses"
bin="$dir/node_modules/.bin"
mkdir -p "$dir"
cp "$pins_file" "$dir/package.json"

# Reads "<name> <version>" pairs from package.json's dependencies.
pins() {
  node -e 'const p=require(process.argv[1]);for(const[n,v]of Object.entries(p.dependencies))console.log(n+" "+v)' "$dir/package.json"
}

installed_ok() {
  local name want have
  while read -r name want; do
    have="$(node -e 'try{console.log(require(process.argv[1]).version)}catch{console.log("")}' "$dir/node_modules/$name/package.json")"
    [[ "$have" == "$want" ]] || { echo "need install: $name wants $want, has '${have:-none}'"; return 1; }
  done < <(pins)
  # claude's postinstall replaces the bin/claude.exe placeholder with the native binary (hard link);
  # when install scripts were skipped the placeholder is tiny, so treat that as not installed.
  local exe="$dir/node_modules/@anthropic-ai/claude-code/bin/claude.exe"
  [[ -f "$exe" && $(stat -c %s "$exe") -gt 1000000 ]] || { echo "need install: claude native binary missing"; return 1; }
  return 0
}

if [[ "${1:-}" == "--force" ]] || ! installed_ok; then
  start=$(date +%s)
  # claude-code needs its postinstall (install.cjs); --no-package-lock keeps lockfile churn out of the repo.
  (cd "$dir" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  echo "installed in $(( $(date +%s) - start ))s, size $(du -sh "$dir/node_modules" | cut -f1)"
  installed_ok >/dev/null || { echo "install did not produce the pinned versions" >&2; exit 1; }
else
  echo "harnesses already installed ($(du -sh "$dir/node_modules" | cut -f1))"
fi

# --version must not touch the network; keep the harness homes out of the real $HOME.
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" CLAUDE_CONFIG_DIR="$tmp/.claude" CODEX_HOME="$tmp/.codex" GEMINI_CLI_HOME="$tmp" \
  DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
mkdir -p "$CODEX_HOME"
echo "claude: $("$bin/claude" --version 2>/dev/null)"
echo "codex:  $("$bin/codex" --version 2>/dev/null)"
echo "gemini: $("$bin/gemini" --version 2>/dev/null)"
