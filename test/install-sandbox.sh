#!/usr/bin/env bash
# Makes sure bubblewrap (bwrap) is here: the tests run agents in loop's sandbox (isolation "sandbox").
# Installs it from Debian's packages when missing and we may (root with apt-get); otherwise says how.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1; then
  echo "sandbox: $(bwrap --version)"
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "sandbox: installing bubblewrap (apt-get install bubblewrap)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
  echo "sandbox: $(bwrap --version)"
  exit 0
fi
echo "sandbox: bubblewrap is not installed and cannot be installed here; the sandbox tests will fail." >&2
echo "sandbox: install it (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap)." >&2
exit 1
