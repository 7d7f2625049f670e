#!/usr/bin/env bash
# Makes sure a command the tests need is here, installing its Debian package when missing and we may (root
# with apt-get). Usage: install-package.sh <label> <command> <package> <version-flag> <required|optional> <why> <without>
#   <why>: what the tests use it for; <without>: what happens when it cannot be installed.
set -euo pipefail
label=$1 command=$2 package=$3 version=$4 need=$5 without=$7
if command -v "$command" >/dev/null 2>&1; then
  echo "$label: $("$command" "$version" | head -1)"
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "$label: installing $package (apt-get install $package)"
  if apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; then
    echo "$label: $("$command" "$version" | head -1)"
    exit 0
  fi
  echo "$label: apt-get could not install $package" >&2
fi
echo "$label: $command is not installed and cannot be installed here; $without" >&2
[[ "$need" == "optional" ]]
