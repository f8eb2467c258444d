#!/bin/bash
# .ci/slurm/down.sh - stop exactly the daemons that up.sh started, using their
# pid files. Never kills by name. Order: slurmd, slurmctld, munged. Exits
# non-zero if one of them is still running afterwards.
set -uo pipefail

SLURM_LOCAL=${SLURM_LOCAL:-/tmp/reuptake-slurm}
PURGE=${PURGE:-0}       # PURGE=1 also removes $SLURM_LOCAL (state, logs, job dir)

stop_pidfile() {        # stop_pidfile NAME PIDFILE
  local name=$1 pf=$2 pid comm i
  if [ ! -s "$pf" ]; then echo "[down] $name: no pid file $pf"; return 0; fi
  pid=$(tr -dc 0-9 < "$pf")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "[down] $name: pid ${pid:-?} not running"; rm -f "$pf"; return 0
  fi
  # Guard against a recycled pid: the process must be the daemon we expect.
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
  if [ "$comm" != "$name" ]; then
    echo "[down] $name: pid $pid is '$comm', not $name; leaving it alone"; return 1
  fi
  local t0=$EPOCHREALTIME
  kill -TERM "$pid"
  for i in $(seq 300); do                     # up to 30 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[down] $name: pid $pid ignored SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
    if kill -0 "$pid" 2>/dev/null; then echo "[down] $name: pid $pid survived SIGKILL"; return 1; fi
  fi
  rm -f "$pf"
  echo "[down] $name: stopped pid $pid in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')s"
}

# Jobs still running on our cluster (a failed test) would leave slurmstepd
# and their tasks behind slurmd: cancel them and wait, while slurmctld (ours,
# by its pid file) is up.
ctl_pf=$SLURM_LOCAL/run/slurmctld.pid
if [ -s "$ctl_pf" ] && kill -0 "$(tr -dc 0-9 < "$ctl_pf")" 2>/dev/null && [ -n "$(squeue -h 2>/dev/null)" ]; then
  echo "[down] cancelling jobs: $(squeue -h -o %i | tr '\n' ' ')"
  scancel --full -u "$(id -un)" 2>/dev/null || true
  for _ in $(seq 150); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
fi

rc=0
stop_pidfile slurmd    "$SLURM_LOCAL/run/slurmd.pid"    || rc=1
stop_pidfile slurmctld "$SLURM_LOCAL/run/slurmctld.pid" || rc=1
stop_pidfile munged    /run/munge/munged.pid           || rc=1

if [ "$PURGE" = 1 ]; then rm -rf "$SLURM_LOCAL"; echo "[down] removed $SLURM_LOCAL"; fi
exit $rc
