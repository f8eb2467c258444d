#!/bin/bash
# .ci/slurm/e2e.sh MC_BINARY - run reuptake on a real (single-node) Slurm
# cluster, end to end.
#
# Brings the cluster up with up.sh (installing slurm-wlm + munge if missing),
# always takes it down again with down.sh (trap), and runs the Go test
# TestSlurmArray with REUPTAKE_SLURM=1 and REUPTAKE_MC=MC_BINARY: mc slurm
# --submit of a 4-task job array of a small model, wait for the array, mc
# status (complete), mc merge, and a comparison of every row with a local
# single-task mc run of the same model and seed. Must run as root (up.sh
# installs packages and starts the daemons), from anywhere inside the repo.
#
# Env knobs: SLURM_LOCAL (see up.sh), GO (default go), E2E_TIMEOUT (go test
# -timeout, default 5m).
set -euo pipefail

[ $# = 1 ] || { echo "usage: $0 MC_BINARY" >&2; exit 2; }
MC=$(realpath "$1")
[ -x "$MC" ] || { echo "e2e: $MC is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GO=${GO:-go}

t0=$EPOCHREALTIME
since() { awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }

cleanup() {
  rc=$?
  "$HERE/down.sh" || rc=1
  echo "[e2e] done in $(since)s, exit $rc"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$HERE/up.sh"
echo "[e2e] cluster up after $(since)s; running TestSlurmArray with $MC"
cd "$ROOT"
REUPTAKE_SLURM=1 REUPTAKE_MC="$MC" "$GO" test ./cmd/mc -run '^TestSlurmArray$' -count=1 -v -timeout "${E2E_TIMEOUT:-5m}"
