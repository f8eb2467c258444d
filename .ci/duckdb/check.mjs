// Interoperability check: DuckDB reads every table of a reuptake run
// directory with one glob each and hive partitioning, and what it computes
// equals what the engine reported.
//
//   node check.mjs RUN_DIR ENGINE_SUMMARY.json
//
// ENGINE_SUMMARY.json is the output of `mc run --json`. Exits non-zero on any
// disagreement.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, expectedPath] = process.argv.slice(2);
if (!dir || !expectedPath) {
  console.error('usage: node check.mjs RUN_DIR ENGINE_SUMMARY.json');
  process.exit(2);
}
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const ts = `read_parquet('${dir}/timeseries/**/*.parquet', hive_partitioning=true)`;
const sm = `read_parquet('${dir}/summary/**/*.parquet', hive_partitioning=true)`;

let failures = 0;
const check = (ok, msg) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!ok) failures++;
};
const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

// 1. Replicates per condition, from both tables.
for (const [cond, c] of Object.entries(expected.conditions)) {
  const [r] = await q(`SELECT count(DISTINCT replicate) AS n FROM ${ts} WHERE condition = '${cond}'`);
  check(Number(r.n) === c.replicates, `timeseries condition=${cond}: ${r.n} replicates (engine: ${c.replicates})`);
  const [s] = await q(`SELECT count(*) AS n FROM ${sm} WHERE condition = '${cond}'`);
  check(Number(s.n) === c.replicates, `summary condition=${cond}: ${s.n} rows (engine: ${c.replicates})`);
  // 2. Every summary mean equals the engine's.
  for (const [col, st] of Object.entries(c.summary)) {
    if (st.n === 0) continue;
    const [m] = await q(`SELECT avg("${col}") AS m FROM ${sm} WHERE condition = '${cond}' AND NOT isnan("${col}")`);
    check(close(Number(m.m), st.mean), `condition=${cond} mean(${col}) = ${m.m} (engine: ${st.mean})`);
  }
}

// 3. Conservation in the data, at every sample: released (+ emitted) =
//    free + bound + transported + degraded + escaped.
const cols = (await q(`DESCRIBE SELECT * FROM ${ts}`)).map((r) => r.column_name);
const bound = cols.filter((c) => c.startsWith('bound_'));
if (cols.includes('released') && cols.includes('free_total')) {
  const lhs = ['released', ...(cols.includes('emitted') ? ['emitted'] : [])].map((c) => `"${c}"`).join(' + ');
  const rhs = ['free_total', ...bound, 'transported', 'degraded', 'escaped'].map((c) => `"${c}"`).join(' + ');
  const [v] = await q(`SELECT count(*) AS bad, (SELECT count(*) FROM ${ts}) AS n FROM ${ts} WHERE (${lhs}) <> (${rhs})`);
  check(Number(v.bad) === 0 && Number(v.n) > 0, `conservation holds in all ${v.n} timeseries rows (${v.bad} violations)`);
}
// 4. The per-molecule tables, when the run has them: each read with one
//    glob, reconciled with the timeseries. Events: at the end of every
//    replicate, transport events = transported, escape events = escaped,
//    release events = released. Snapshots: rows at every snapshot time
//    (joined on t_ms, which lies on the decimal grid) = free_total. Sites:
//    the same number of rows at every snapshot time.
const { existsSync } = await import('node:fs');
const table = (t) => `read_parquet('${dir}/${t}/**/*.parquet', hive_partitioning=true)`;
if (existsSync(`${dir}/events`)) {
  for (const [kind, col] of [['transport', 'transported'], ['escape', 'escaped'], ['release', 'released']]) {
    const [v] = await q(`WITH ev AS (SELECT condition, replicate, count(*) AS n FROM ${table('events')} WHERE kind = '${kind}' GROUP BY ALL),
      last AS (SELECT condition, replicate, arg_max("${col}", t_ms) AS c FROM ${ts} GROUP BY ALL)
      SELECT count(*) AS reps, count(*) FILTER (WHERE coalesce(ev.n, 0) <> last.c) AS bad
      FROM last LEFT JOIN ev USING (condition, replicate)`);
    check(Number(v.bad) === 0 && Number(v.reps) > 0, `events: ${kind} events = ${col} in all ${v.reps} replicates (${v.bad} differ)`);
  }
}
if (existsSync(`${dir}/snapshots`)) {
  const [v] = await q(`WITH s AS (SELECT condition, replicate, t_ms, count(*) AS n FROM ${table('snapshots')} GROUP BY ALL)
    SELECT count(*) AS snaps, count(*) FILTER (WHERE ts.free_total IS NULL OR ts.free_total <> s.n) AS bad
    FROM s LEFT JOIN ${ts} AS ts USING (condition, replicate, t_ms)`);
  check(Number(v.bad) === 0 && Number(v.snaps) > 0, `snapshots: rows = free_total at all ${v.snaps} snapshot times (${v.bad} differ or miss a sample)`);
  const [w] = await q(`SELECT count(DISTINCT n) AS sizes, count(*) AS snaps FROM (SELECT condition, replicate, t_ms, count(*) AS n FROM ${table('sites')} GROUP BY ALL)`);
  check(Number(w.sizes) === 1 && Number(w.snaps) > 0, `sites: the same number of sites at all ${w.snaps} snapshot times`);
}
console.log(failures === 0 ? 'duckdb: all checks passed' : `duckdb: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
