// Browser check of mc view pages: opens a page in Debian's chromium (driven
// by puppeteer-core, headless, software WebGL) and asserts on what a person
// would see.
//
//   node check.mjs --html PAGE.html --regions psd,peri --species glu \
//        [--run RUN_DIR --condition C --replicate R] [--shots DIR]
//
// For every page: it loads without any network request and without console
// errors, renders a non-blank WebGL canvas, the PSD colour and (for a run)
// the molecule colour appear in the pixels, and the legend names the given
// regions and species. With --run: the page's frames are the run's snapshot
// times and, at several frames chosen on the time slider, the molecule
// count shown equals the row count of the snapshots table at that time
// (counted independently with DuckDB from .ci/duckdb). Screenshots go to
// --shots (geometry; a run at 0, 50 µs and 1 ms). Exits non-zero on any
// failure.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve, join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.html) {
  console.error('usage: node check.mjs --html PAGE.html --regions a,b --species x [--run RUN_DIR] [--condition C] [--replicate R] [--shots DIR]');
  process.exit(2);
}
const regions = (args.regions || '').split(',').filter(Boolean);
const species = (args.species || '').split(',').filter(Boolean);
const shots = args.shots ? resolve(args.shots) : null;
if (shots) mkdirSync(shots, { recursive: true });

let failures = 0;
const check = (ok, msg) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!ok) failures++;
};

// Row counts of the snapshots table per time, from DuckDB.
async function snapshotRows(dir, cond, rep) {
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(join(here, '..', 'duckdb', 'package.json'));
  const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const glob = `read_parquet('${dir}/snapshots/condition=${cond}/*.parquet')`;
  const rows = (await con.runAndReadAll(`SELECT t_ms, count(*) AS n FROM ${glob} WHERE replicate = ${rep} GROUP BY t_ms ORDER BY t_ms`)).getRowObjectsJson();
  return rows.map((r) => ({ t: Number(r.t_ms), n: Number(r.n) }));
}

// A browser killed while starting (memory pressure on a busy machine) is
// retried twice; a page that fails its checks is not.
const launch = () => puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--window-size=1400,860'],
  defaultViewport: { width: 1400, height: 860 },
  timeout: 60000,
});
let browser;
for (let attempt = 1; ; attempt++) {
  try {
    browser = await launch();
    break;
  } catch (e) {
    if (attempt === 3) throw e;
    console.log(`chromium did not start (attempt ${attempt}): ${String(e).split('\n')[0]}; retrying`);
  }
}
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = pathToFileURL(resolve(args.html)).href;
  const fetched = [];
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) {
      fetched.push(r.url());
      r.abort();
    } else r.continue();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.reuptakeViewer && window.reuptakeViewer.rendered > 3, { timeout: 60000 });
  check(fetched.length === 0, `the page loads offline (requests beyond the file: ${fetched.length ? fetched.join(', ') : 'none'})`);

  // Pixels of the canvas: share that differs from the background, and the
  // share near a colour (same hue within 14°, saturated, not dark).
  const pixels = async (colours) => page.evaluate((colours) => {
    const c = document.querySelector('#view canvas');
    const g = document.createElement('canvas');
    g.width = c.width; g.height = c.height;
    const x = g.getContext('2d');
    x.drawImage(c, 0, 0);
    const d = x.getImageData(0, 0, g.width, g.height).data;
    const hsv = (r, gg, b) => {
      const mx = Math.max(r, gg, b), mn = Math.min(r, gg, b), dd = mx - mn;
      let h = 0;
      if (dd > 0) h = mx === r ? ((gg - b) / dd) % 6 : mx === gg ? (b - r) / dd + 2 : (r - gg) / dd + 4;
      return [(h * 60 + 360) % 360, mx ? dd / mx : 0, mx / 255];
    };
    const targets = colours.map((hex) => hsv(parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)));
    const near = new Array(colours.length).fill(0);
    const bg = [0x15, 0x18, 0x1e];
    let fg = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 24) fg++;
      const [h, s, v] = hsv(d[i], d[i + 1], d[i + 2]);
      targets.forEach(([th, ts], k) => {
        const dh = Math.min(Math.abs(h - th), 360 - Math.abs(h - th));
        if (dh < 14 && s > 0.45 && Math.abs(s - ts) < 0.35 && v > 0.2) near[k]++;
      });
    }
    return { fg: fg / n, near: near.map((k) => k / n) };
  }, colours);

  const legendText = await page.$eval('#legend', (e) => e.innerText);
  const colourOf = (name) => page.evaluate((name) => {
    for (const it of document.querySelectorAll('#legend .item')) {
      if (it.textContent.trim() === name) return it.querySelector('.sw').dataset.color;
    }
    return null;
  }, name);
  for (const r of regions) check(new RegExp(`(^|\\n|\\s)${r}(\\s|$)`).test(legendText), `legend names region ${r}`);
  for (const s of species) check(new RegExp(`(^|\\n|\\s)${s}(\\s|$)`).test(legendText), `legend names species ${s}`);
  const psd = await colourOf('psd');
  check(!!psd, `legend gives the PSD a colour (${psd})`);

  const frames = await page.evaluate(() => window.reuptakeViewer.frames);
  const shoot = async (name) => { if (shots) await page.screenshot({ path: join(shots, name) }); };
  const settle = () => page.evaluate(() => new Promise((ok) => { const r0 = window.reuptakeViewer.rendered; const w = () => (window.reuptakeViewer.rendered > r0 + 2 ? ok() : requestAnimationFrame(w)); w(); }));

  let p = await pixels([psd || '#d62728']);
  check(p.fg > 0.05, `the WebGL canvas is not blank (${(100 * p.fg).toFixed(1)}% of pixels differ from the background)`);
  check(p.near[0] > 0.002, `the PSD colour ${psd} is on screen (${(100 * p.near[0]).toFixed(2)}% of pixels)`);
  await shoot(args.run ? 'run-first-load.png' : 'geometry.png');

  if (args.run) {
    const cond = args.condition || (await page.evaluate(() => window.reuptakeViewer.scene.run.condition));
    const rep = args.replicate ?? (await page.evaluate(() => window.reuptakeViewer.scene.run.replicate));
    const table = await snapshotRows(resolve(args.run), cond, rep);
    const times = await page.evaluate(() => Array.from(new Float32Array(Uint8Array.from(atob(window.reuptakeViewer.scene.run.times), (c) => c.charCodeAt(0)).buffer)));
    check(frames === times.length && frames > 1, `the time slider has ${frames} positions`);
    // A frame may have no molecule rows (before the release, or after all
    // escaped) when the sites table has that time: it then shows 0.
    const at = (t) => table.find((r) => Math.abs(r.t - t) <= 1e-6 * Math.max(1, r.t));
    check(table.every((r) => times.some((t) => Math.abs(r.t - t) <= 1e-6 * Math.max(1, r.t))), `every snapshot time of the table (${table.length}) is a frame of the slider`);
    const rows = times.map((t) => ({ t, n: at(t) ? at(t).n : 0 }));
    const spColour = await colourOf(species[0]);
    const pick = (t) => rows.reduce((b, r, i) => (Math.abs(r.t - t) < Math.abs(rows[b].t - t) ? i : b), 0);
    const seen = new Set();
    for (const [t, name] of [[0, 'run-0us.png'], [0.05, 'run-50us.png'], [1, 'run-1ms.png'], [rows[rows.length - 1].t, null]]) {
      const f = pick(t);
      // Move the slider as a person would: set its value and fire 'input'.
      await page.$eval('#time', (s, f) => { s.value = String(f); s.dispatchEvent(new Event('input', { bubbles: true })); }, f);
      await settle();
      const shown = Number(await page.$eval('#molcount', (e) => e.textContent));
      const label = await page.$eval('#counts', (e) => e.innerText);
      const expectRows = rows[f].n;
      const ok = shown === expectRows || (shown < expectRows && label.includes(`of ${expectRows} in the run`));
      check(ok, `at t = ${+rows[f].t.toPrecision(6)} ms the page shows ${shown} molecules; the snapshots table has ${expectRows} rows`);
      seen.add(shown);
      if (shown > 50 && spColour) {
        p = await pixels([spColour]);
        check(p.near[0] > 0.0005, `the ${species[0]} colour ${spColour} is on screen at t = ${+rows[f].t.toPrecision(6)} ms (${(100 * p.near[0]).toFixed(2)}% of pixels)`);
      }
      if (name) await shoot(name);
    }
    // The section view across the cleft, at 50 µs.
    await page.$eval('#time', (s, f) => { s.value = String(f); s.dispatchEvent(new Event('input', { bubbles: true })); }, pick(0.05));
    await page.click('#view-side');
    await settle();
    await shoot('run-side-50us.png');
    await page.click('#view-home');
    await settle();
    // Play advances the frames.
    await page.$eval('#time', (s) => { s.value = '0'; s.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.click('#play');
    await page.waitForFunction(() => window.reuptakeViewer.frame >= 3, { timeout: 20000 }).catch(() => {});
    const played = await page.evaluate(() => window.reuptakeViewer.frame);
    await page.click('#play');
    check(played >= 3, `play advances the time slider (frame ${played} after playing)`);
    check(seen.size > 1, `moving the time slider changes the number of molecules shown (${[...seen].join(', ')})`);
  }
  check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
} finally {
  await browser.close();
}
if (failures) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('view check passed');
