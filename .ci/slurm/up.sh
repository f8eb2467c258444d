#!/bin/bash
# .ci/slurm/up.sh - bring up a single-node Slurm cluster for reuptake's CI
# (Debian 12 packages slurm-wlm + munge, root, no systemd needed).
#
# Installs slurm-wlm + munge if missing, creates a munge key, writes
# /etc/slurm/slurm.conf (an existing one is kept as slurm.conf.orig), starts
# munged, slurmctld and slurmd as daemons (pid files under $SLURM_LOCAL/run
# and /run/munge), and waits until `sinfo` shows the node idle.
# Stop exactly those daemons again with down.sh (same directory), which uses
# the pid files. e2e.sh runs up.sh, the job-array test and down.sh.
#
# Pitfalls met on such machines (and handled below): /run/munge does not exist
# without systemd; munged must start as user munge, with a 0400 key; the node
# and controller are pinned to 127.0.0.1; CPUs and memory come from `slurmd -C`
# with at most 95% of RealMemory declared (else the node is "inval"); cgroup
# plugins fail without a cgroup namespace, so proctrack/linuxproc and
# task/none; the scheduler runs at once (batch_sched_delay=0) so a small
# array finishes in seconds.
#
# Env knobs:
#   SLURM_LOCAL      base dir for state/spool/log/pid files   (default /tmp/reuptake-slurm)
#   SLURM_USER       SlurmUser: "slurm" (default) or "root"
#   SLURM_WAIT_S     seconds to wait for each readiness step (default 60)
#   SLURM_CONF_EXTRA extra slurm.conf lines (newline separated), appended before NodeName
set -euo pipefail

SLURM_LOCAL=${SLURM_LOCAL:-/tmp/reuptake-slurm}
SLURM_USER=${SLURM_USER:-slurm}
WAIT_S=${SLURM_WAIT_S:-60}
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
MUNGE_RUN=/run/munge                       # default socket dir (clients look here)
MUNGE_PID=$MUNGE_RUN/munged.pid

t0=$EPOCHREALTIME
log() { printf '[up %6.1fs] %s\n' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{print b-a}')" "$*"; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

# Refuse to start twice: an earlier up.sh left daemons running.
for pf in "$MUNGE_PID" "$SLURM_LOCAL/run/slurmctld.pid" "$SLURM_LOCAL/run/slurmd.pid"; do
  if [ -s "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null; then
    die "daemon from $pf (pid $(cat "$pf")) is still running; run down.sh first"
  fi
done

# ---------------------------------------------------------------- 1. packages
need_install=0
for p in slurm-wlm slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need_install=1
done
if [ "$need_install" = 1 ]; then
  log "installing slurm-wlm munge (no recommends)"
  # No init system: make sure package maintainer scripts do not try to start
  # daemons (they would run outside our pid-file bookkeeping). Respect an
  # existing policy-rc.d (Docker-style images ship one that exits 101).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT     # removed again even if apt-get fails
  fi
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      slurm-wlm munge >/dev/null
  log "packages installed: $(dpkg-query -W -f='${Version}' slurmctld) / munge $(dpkg-query -W -f='${Version}' munge)"
else
  log "packages already installed"
fi
getent passwd munge >/dev/null || die "user munge missing after install"
getent passwd slurm >/dev/null || die "user slurm missing after install"

# ---------------------------------------------------------------- 2. munge
# Without systemd-tmpfiles nobody creates /run/munge; munged is strict about
# ownership/permissions of its key, key dir, log dir, seed dir and socket dir.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge
install -d -o munge -g munge -m 0700 /var/log/munge
install -d -o munge -g munge -m 0755 "$MUNGE_RUN"
if [ ! -s /etc/munge/munge.key ]; then
  log "creating munge key"
  if command -v mungekey >/dev/null; then
    mungekey --create --keyfile=/etc/munge/munge.key
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key

log "starting munged"
rm -f "$MUNGE_PID" "$MUNGE_RUN/munge.socket.2" "$MUNGE_RUN/munge.socket.2.lock"
# munged daemonizes itself and writes its own pid file (as user munge).
runuser -u munge -- /usr/sbin/munged --pid-file="$MUNGE_PID"
for _ in $(seq $((WAIT_S * 5))); do
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
  sleep 0.2
done
munge -n | unmunge >/dev/null || die "munged not answering (see /var/log/munge/munged.log)"
log "munged up (pid $(cat "$MUNGE_PID"))"

# ---------------------------------------------------------------- 3. slurm.conf
HOST=$(hostname -s)
# Slurm needs the names to resolve; NodeAddr/SlurmctldHost(addr) pin them to
# loopback so a hostname that is not in /etc/hosts still works.
getent hosts "$HOST" >/dev/null || log "warning: $HOST does not resolve; using 127.0.0.1 explicitly"

# Real hardware as slurmd sees it (CPUs, sockets/cores/threads, RealMemory).
HW=$(slurmd -C | sed -n 1p)    # "NodeName=vm CPUs=2 Boards=1 ... RealMemory=24105" (sed, not head: no SIGPIPE under pipefail)
HW=${HW#NodeName=* }            # drop the NodeName= word
# Leave a little memory headroom so the node is never drained for "Low RealMemory".
REALMEM=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$HW")
HW=$(sed "s/RealMemory=[0-9]*/RealMemory=$((REALMEM * 95 / 100))/" <<<"$HW")

rm -rf "$SLURM_LOCAL"
mkdir -p "$SLURM_LOCAL"/{state,spool,log,run,jobs}
if [ "$SLURM_USER" = root ]; then
  SU_UID=root
else
  SU_UID=slurm
  # slurmctld runs as SlurmUser and must own its state dir, log file and pid file.
  chown slurm:slurm "$SLURM_LOCAL/state" "$SLURM_LOCAL/log" "$SLURM_LOCAL/run"
fi
chmod 755 "$SLURM_LOCAL" "$SLURM_LOCAL"/{log,run}
chmod 1777 "$SLURM_LOCAL/jobs"

mkdir -p "$CONF_DIR"
[ -e "$CONF" ] && [ ! -e "$CONF.orig" ] && cp -p "$CONF" "$CONF.orig"
cat > "$CONF" <<EOF
# generated by up.sh $(date -u +%FT%TZ)
ClusterName=local
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=$SU_UID
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$SLURM_LOCAL/state
SlurmdSpoolDir=$SLURM_LOCAL/spool
SlurmctldPidFile=$SLURM_LOCAL/run/slurmctld.pid
SlurmdPidFile=$SLURM_LOCAL/run/slurmd.pid
SlurmctldLogFile=$SLURM_LOCAL/log/slurmctld.log
SlurmdLogFile=$SLURM_LOCAL/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmctldPort=6817
SlurmdPort=6818
MaxArraySize=1001
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=120
SchedulerParameters=batch_sched_delay=0,sched_min_interval=100000
KillWait=5
Waittime=0
${SLURM_CONF_EXTRA:-}
NodeName=$HOST NodeAddr=127.0.0.1 $HW State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$CONF"
log "wrote $CONF: NodeName=$HOST $HW"

# ---------------------------------------------------------------- 4. slurm daemons
log "starting slurmctld"
# -i: ignore (nonexistent) saved state. Daemonizes; writes SlurmctldPidFile.
/usr/sbin/slurmctld -i
for _ in $(seq $((WAIT_S * 5))); do
  scontrol ping 2>/dev/null | grep -q 'is UP' && break
  sleep 0.2
done
scontrol ping | grep -q 'is UP' || die "slurmctld not up (see $SLURM_LOCAL/log/slurmctld.log)"
log "slurmctld up (pid $(cat "$SLURM_LOCAL/run/slurmctld.pid"))"

log "starting slurmd"
/usr/sbin/slurmd -N "$HOST"
state=""
for _ in $(seq $((WAIT_S * 5))); do
  state=$(sinfo -h -N -n "$HOST" -o '%t' 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { sinfo -N -l || true; die "node state is '$state', not idle (see $SLURM_LOCAL/log/slurmd.log)"; }
log "slurmd up (pid $(cat "$SLURM_LOCAL/run/slurmd.pid"))"
sinfo
log "cluster ready"
