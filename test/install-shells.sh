#!/usr/bin/env bash
# Makes sure zsh is here: test/cli/completion.test.ts drives `loop completion zsh` in a real interactive zsh
# (bash is always here). Installs it from Debian's packages when missing and we may (root with apt-get);
# otherwise the zsh test is skipped, saying why.
set -euo pipefail
if command -v zsh >/dev/null 2>&1; then
  echo "shells: $(zsh --version)"
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "shells: installing zsh (apt-get install zsh)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zsh >/dev/null
  echo "shells: $(zsh --version)"
  exit 0
fi
echo "shells: zsh is not installed and cannot be installed here; the zsh completion test is skipped." >&2
