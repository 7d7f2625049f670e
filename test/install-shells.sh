#!/usr/bin/env bash
# Makes sure zsh is here: test/cli/completion.test.ts drives `loop completion zsh` in a real interactive zsh
# (bash is always here).
exec bash "$(dirname "$0")/install-package.sh" shells zsh zsh --version optional \
  "the zsh completion test" \
  "the zsh completion test is skipped."
