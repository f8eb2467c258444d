#!/usr/bin/env bash
# Browser check of mc view: installs Debian's chromium (when missing) and the
# pinned puppeteer-core, then opens two pages in headless chromium and runs
# check.mjs on each: the default preset's geometry, and a run with snapshots.
#
#   .ci/view/run.sh MC_BINARY WORK_DIR
#
# Screenshots go to $VIEW_SHOTS (default WORK_DIR/view-shots).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
shots=${VIEW_SHOTS:-$work/view-shots}

if ! command -v chromium >/dev/null; then
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
chromium --version
(cd "$here" && npm ci --no-audit --no-fund --silent)
# DuckDB counts the snapshot rows independently of the viewer.
[ -d "$root/.ci/duckdb/node_modules/@duckdb/node-api" ] || (cd "$root/.ci/duckdb" && npm install --no-audit --no-fund --silent)

"$mc" view --preset glutamate-ca1 -o "$work/view-geometry.html" --force
node "$here/check.mjs" --html "$work/view-geometry.html" --regions psd,post,pre,peri,lateral --species glu --shots "$shots"

# A run with snapshots, written by mc run.
rm -rf "$work/view-run"
"$mc" run --replicates 2 --set 'run.duration=1 ms' --snapshots 50us --out "$work/view-run" --quiet
"$mc" view "$work/view-run" -o "$work/view-run.html" --force
node "$here/check.mjs" --html "$work/view-run.html" --run "$work/view-run" --regions psd,post,pre,peri --species glu --shots "$shots"
echo "screenshots: $shots"
