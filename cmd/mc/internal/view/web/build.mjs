// Builds assets/viewer.min.js (three.js + src/main.js, minified) and copies
// three.js's licence next to it. Run from this folder: npm ci && npm run build.
import { build } from 'esbuild';
import { copyFileSync, readFileSync } from 'node:fs';

const three = JSON.parse(readFileSync('node_modules/three/package.json', 'utf8'));
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  banner: { js: `/* mc view front end; bundles three.js ${three.version} (MIT, see three.LICENSE). Built by cmd/mc/internal/view/web/build.mjs. */` },
  outfile: '../assets/viewer.min.js',
});
copyFileSync('node_modules/three/LICENSE', '../assets/three.LICENSE');
console.log(`built ../assets/viewer.min.js with three.js ${three.version}`);
