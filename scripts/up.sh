#!/usr/bin/env bash
# The README's first command (`npm run up`): from a fresh clone, gets Node 24 if the system one is
# older, installs the packages, builds the UI and the agent bundle, then runs the hub with its
# embedded database and a local agent (`npm start`). Set UNITY_ADMIN_USER and UNITY_ADMIN_PASSWORD
# to create the first admin without the setup link.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
cd "$UNITY_ROOT"
unity_npm_install
echo "==> Building the UI and the agent bundle"
npm run build --silent
echo "==> Starting Unity"
exec node scripts/start.mjs
