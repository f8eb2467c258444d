#!/bin/sh
# scaling.sh: parallel scaling of one large replicate (BenchmarkStriatalBlock:
# a 10 µm block of striatum, 104 release sites, DAT in the volume, 100 ms,
# 16 spatial shards). Runs the sub-benchmarks once each (-benchtime=1x
# -count=1) in one process and prints wall time, molecule-steps/s,
# speed-up T1/Tw and parallel efficiency T1/(w·Tw) per worker count.
#
#   benchmarks/scaling.sh                      # workers 1 2 4 8 16 + unsharded baseline
#   WORKERS="1 2" benchmarks/scaling.sh        # other worker counts
#   UNSHARDED=0 benchmarks/scaling.sh          # skip the run.shards=1 baseline
#   STRIATAL_SET='geometry.size=[15 um, 15 um, 15 um]' benchmarks/scaling.sh
#                                              # model overrides (--set syntax, ';'-separated)
#
# Worker counts above twice the number of CPUs are skipped by the benchmark.
# Before the timed runs, one untimed run (sampled at every step, on all CPUs)
# counts the molecule-steps exactly, and the baseline needs one more; the
# whole script takes about 3 T1 + 2 T_unsharded on a many-core machine.
set -eu

cd "$(dirname "$0")/.."
WORKERS=${WORKERS:-"1 2 4 8 16"}
UNSHARDED=${UNSHARDED:-1}

alt=$(echo "$WORKERS" | tr -s ' ' '\n' | grep . | sed 's/^/workers=/' | paste -sd '|' -)
if [ "$UNSHARDED" != 0 ]; then
	alt="unsharded|$alt"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/benchmarks.test" ./benchmarks

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version)"
echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+local changes')"
echo "# nproc $(nproc); $(lscpu 2>/dev/null | grep -m1 'Model name' | sed 's/  */ /g' || true)"
echo "# STRIATAL_SET=${STRIATAL_SET:-}"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"

(cd benchmarks && "$tmp/benchmarks.test" -test.run '^$' \
	-test.bench "^BenchmarkStriatalBlock\$/^($alt)\$" \
	-test.benchtime 1x -test.count 1 -test.timeout 0) | tee "$tmp/out.txt"

echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo
awk '
/^BenchmarkStriatalBlock\// {
	name = $1
	sub(/^BenchmarkStriatalBlock\//, "", name)
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2) v[name, $(i + 1)] = $i
	if (name ~ /^workers=/) {
		w = name; sub(/^workers=/, "", w)
		order[n++] = w
	} else if (name == "unsharded") {
		base = 1
	}
}
END {
	t1 = v["workers=1", "wall-s"]
	tu = v["unsharded", "wall-s"]
	printf "%-10s %9s %12s %8s %11s %12s %10s\n", "workers", "wall (s)", "Mmolsteps/s", "speed-up", "efficiency", "vs unshard.", "live MiB"
	if (base) {
		printf "%-10s %9.2f %12.2f %8s %11s %12s %10.1f\n", "unsharded", tu, v["unsharded", "molsteps/s"] / 1e6, "", "", "1.00", v["unsharded", "peak-live-MiB"]
	}
	for (i = 0; i < n; i++) {
		w = order[i]; k = "workers=" w
		t = v[k, "wall-s"]
		sp = (t1 > 0) ? sprintf("%.2f", t1 / t) : "-"
		ef = (t1 > 0) ? sprintf("%.0f%%", 100 * t1 / (w * t)) : "-"
		vu = (tu > 0) ? sprintf("%.2f", tu / t) : "-"
		printf "%-10s %9.2f %12.2f %8s %11s %12s %10.1f\n", w, t, v[k, "molsteps/s"] / 1e6, sp, ef, vu, v[k, "peak-live-MiB"]
	}
	if (n > 0) {
		k = "workers=" order[0]
		printf "\nmolecule-steps %.4g (mean %.0f, peak %.0f free molecules); speed-up = T1/Tw, efficiency = T1/(w*Tw)\n", \
			v[k, "molsteps"], v[k, "mean-molecules"], v[k, "peak-molecules"]
	}
}' "$tmp/out.txt"
