// Interoperability check: DuckDB reads a whole reuptake run directory with
// one glob and hive partitioning, and what it computes equals what the
// engine reported.
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
console.log(failures === 0 ? 'duckdb: all checks passed' : `duckdb: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
