#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, runs on Node 20) into .tools/code-server/ for the
# end-to-end tests. Offline-safe: the only network used is the npm registry. Idempotent: a
# finished install leaves a marker and later runs return at once.
#
# Three install-time workarounds (research/vscode-testing.md):
#  - @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache under os.tmpdir()
#    already holds the tarball, so we seed that cache from Debian's /usr/bin/rg in a private TMPDIR;
#  - code-server's postinstall refuses to run as root without npm_config_unsafe_perm;
#  - node-pty runs `npx node-gyp`, which prompts (and so fails without a TTY) unless npm_config_yes.
set -euo pipefail

VERSION=4.100.3
RIPGREP_PKG=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/code-server"
marker="$dest/.installed-$VERSION"
bin="$dest/node_modules/code-server/out/node/entry.js"

if [ -f "$marker" ] && [ -f "$bin" ]; then
  echo "setup-e2e: code-server $VERSION already installed in .tools/code-server"
  exit 0
fi

for tool in rg node npm; do
  command -v "$tool" >/dev/null || { echo "setup-e2e: '$tool' not found on PATH (apt: ripgrep; node 20)" >&2; exit 1; }
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  echo "setup-e2e: code-server $VERSION needs Node 20 on PATH, found $(node --version)" >&2
  exit 1
fi

mkdir -p "$dest"
scratch="$(mktemp -d "$dest/.tmp.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

export TMPDIR="$scratch"
mkdir -p "$scratch/vscode-ripgrep-cache-$RIPGREP_PKG" "$scratch/seed"
cp "$(command -v rg)" "$scratch/seed/rg"
tar czf "$scratch/vscode-ripgrep-cache-$RIPGREP_PKG/$RIPGREP_ASSET" -C "$scratch/seed" rg

# A package.json of its own keeps npm from walking up into the repository's manifest.
cat > "$dest/package.json" <<JSON
{ "name": "openrtc-e2e-tools", "private": true, "description": "code-server for the OpenRTC end-to-end tests (not committed)" }
JSON

# The user's npm cache is kept (a warm cache makes the install quick); code-server writes config
# and logs under HOME/XDG dirs even while installing, so those go to the scratch dir.
npm_config_cache="${npm_config_cache:-$(npm config get cache)}"
export npm_config_cache
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache"
mkdir -p "$HOME"
export npm_config_unsafe_perm=true npm_config_yes=true
# node-gyp would fetch Node's headers from nodejs.org (unreachable); the installed Node ships them.
node_prefix="$(node -p 'require("path").resolve(process.execPath, "../..")')"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/common.gypi" ]; then
  export npm_config_nodedir="$node_prefix"
fi

echo "setup-e2e: installing code-server $VERSION (about a minute on 2 cores)"
(cd "$dest" && npm install --no-audit --no-fund --no-save --foreground-scripts "code-server@$VERSION" >"$dest/install.log" 2>&1) || {
  echo "setup-e2e: npm install failed; last lines of .tools/code-server/install.log:" >&2
  tail -n 30 "$dest/install.log" >&2
  exit 1
}
[ -f "$bin" ] || { echo "setup-e2e: install finished but $bin is missing" >&2; exit 1; }
[ -d "$dest/node_modules/code-server/lib/vscode/node_modules" ] || {
  echo "setup-e2e: code-server's postinstall did not populate lib/vscode/node_modules (see install.log)" >&2
  exit 1
}
touch "$marker"
echo "setup-e2e: code-server $VERSION ready"
