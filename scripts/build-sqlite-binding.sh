#!/usr/bin/env bash
# Builds better-sqlite3's native binding for the Node.js first on PATH, beside
# the one `npm ci` built, as node_modules/better-sqlite3/build/node-abi-<ABI>/.
# The state store loads the binding of the running Node's ABI from there, so one
# node_modules serves Node 20, 22 and 24 (the CI runs end-to-end tests on each).
# Offline: the headers come from the Node.js binary package's include/ folder.
set -euo pipefail
cd "$(dirname "$0")/.."
abi="$(node -p process.versions.modules)"
pkg="node_modules/better-sqlite3"
out="$pkg/build/node-abi-$abi"
if [ -f "$out/better_sqlite3.node" ]; then exit 0; fi
if node -e "new (require('./$pkg'))(':memory:').close()" 2>/dev/null; then exit 0; fi
nodedir="$(dirname "$(dirname "$(command -v node)")")"
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -C "$pkg" --exclude=./build -cf - . | tar -C "$work" -xf -
(cd "$work" && node "$gyp" rebuild --release --nodedir="$nodedir" >/dev/null)
mkdir -p "$out"
cp "$work/build/Release/better_sqlite3.node" "$out/"
echo "built $out for Node.js $(node --version)"
