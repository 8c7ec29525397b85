# Sourced by the other scripts: puts a Node.js >= 22.12 first on PATH.
# Debian 12 ships Node 20; the npm package `node@24` carries the official Node 24 binary, so a
# fresh machine gets it from the npm registry alone (about 5 s), into .tools/ of this checkout.
UNITY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UNITY_ROOT

unity_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}

if ! unity_node_ok; then
  tools="$UNITY_ROOT/.tools/node"
  if [ ! -x "$tools/node_modules/.bin/node" ]; then
    echo "==> Node.js $(node --version 2>/dev/null || echo 'missing') is older than 22.12; installing Node 24 into .tools/node"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node@24 >/dev/null
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
  unity_node_ok || { echo "error: could not get Node.js >= 22.12 (have $(node --version))" >&2; exit 1; }
fi

# Installs the workspace's packages when the lock file changed since the last install.
unity_npm_install() {
  local stamp="$UNITY_ROOT/node_modules/.unity-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$UNITY_ROOT/package-lock.json" "$stamp"; then
    echo "==> Installing packages"
    # `npm install` rather than `npm ci`: with omit-lockfile-registry-resolved (set on these
    # machines) npm leaves other platforms' optional packages out of the lock, and `npm ci`
    # then refuses the lock as out of sync. The lock still pins every version installed here.
    (cd "$UNITY_ROOT" && npm install --no-save --no-audit --no-fund --loglevel=error) || return 1
    cp "$UNITY_ROOT/package-lock.json" "$stamp"
  fi
}
