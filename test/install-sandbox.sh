#!/usr/bin/env bash
# Makes sure bubblewrap (bwrap) is here: the tests run agents in loop's sandbox (isolation "sandbox").
exec bash "$(dirname "$0")/install-package.sh" sandbox bwrap bubblewrap --version required \
  "agents run in loop's sandbox" \
  "the sandbox tests will fail. Install it (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap)."
