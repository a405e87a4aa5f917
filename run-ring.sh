#!/usr/bin/env bash
# Launch a ring of hs-ring node processes on this machine and report the election.
#   ./run-ring.sh                 8 nodes, random ids (seed printed)
#   ./run-ring.sh -n 64 --json    any `hs-ring launch` option; see ./run-ring.sh --help
# Installs dependencies and builds on first use (or when sources changed); that output goes to
# stderr so `--json` stays machine-readable.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v node >/dev/null 2>&1; then
  echo "run-ring.sh: Node.js 20 or newer is needed (node not found on PATH)" >&2
  exit 2
fi

(
  cd "$here"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "run-ring.sh: installing dependencies (npm ci)..." >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
  entry=dist/src/cli/main.js
  if [ ! -f "$entry" ] || [ -n "$(find src tsconfig.json package.json -newer "$entry" -print -quit)" ]; then
    echo "run-ring.sh: building (tsc)..." >&2
    if ! npm run --silent build >&2; then
      # tsc writes its output even after type errors: without this the next run would find dist/
      # fresh, skip the build and run code that does not compile.
      rm -f "$entry"
      echo "run-ring.sh: the build failed (errors above)" >&2
      exit 1
    fi
  fi
)

exec node "$here/dist/src/cli/main.js" launch "$@"
