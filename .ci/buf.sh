#!/usr/bin/env bash
# Lints proto/ with buf (STANDARD rules, see proto/buf.yaml) and checks it for
# breaking changes against main's proto. buf comes from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
BUF_VERSION=1.75.0
TOOLS=.ci/tools
BUF="$TOOLS/node_modules/.bin/buf"
if [ ! -x "$BUF" ] || ! "$BUF" --version 2>/dev/null | grep -qx "$BUF_VERSION"; then
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "@bufbuild/buf@$BUF_VERSION" >/dev/null
fi
(cd proto && "../$BUF" lint)
echo "buf lint: clean"
# Compare against main when it has proto/ (a first commit has nothing to break).
if git rev-parse --verify --quiet main >/dev/null && git cat-file -e main:proto/buf.yaml 2>/dev/null; then
  "$BUF" breaking proto --against ".git#branch=main,subdir=proto"
  echo "buf breaking (against main): compatible"
else
  echo "buf breaking: no proto/ on main yet; skipped"
fi
