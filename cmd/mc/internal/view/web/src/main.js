// The mc view page: draws the scene that cmd/mc/internal/view embeds as
// JSON (bulk arrays as base64 of little-endian binary) in the element
// #scene. Everything runs offline; three.js is bundled with this file.
import {
  AmbientLight, BoxGeometry, BufferAttribute, BufferGeometry, CanvasTexture, Color, DirectionalLight,
  DoubleSide, EdgesGeometry, Group, LineBasicMaterial, LinearFilter, LineSegments, Mesh, MeshBasicMaterial,
  MeshLambertMaterial, OctahedronGeometry, PerspectiveCamera, Plane, Points, PointsMaterial,
  Scene, SphereGeometry, Vector3, WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

// Colours: fixed ones for the named membrane regions of the cleft builder,
// a palette for the rest (mask labels, box faces), chosen to stay apart
// from the site and molecule colours.
const regionColours = {
  psd: '#d62728', post: '#ff9f40', pre: '#4c78d8', peri: '#2ca02c', lateral: '#8c8c8c',
};
const regionPalette = ['#9467bd', '#8c564b', '#bcbd22', '#7f7f7f', '#1f77b4', '#ff7f0e', '#17becf', '#e7969c', '#7b4173', '#637939'];
const sitePalette = ['#ffd500', '#ff4fd8', '#b5ff3b', '#ff8a00', '#ffffff', '#a98bff'];
const speciesPalette = ['#22e4ff', '#ff3df5', '#ffe14d', '#ff6b6b', '#c792ff', '#00ff9c'];

function b64(s, Type) {
  if (!s) return new Type(0);
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Type(bytes.buffer, 0, bytes.length / Type.BYTES_PER_ELEMENT);
}

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'style') e.style.cssText = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function swatch(colour, round) {
  return el('span', { class: 'sw' + (round ? ' round' : ''), style: `background:${colour}`, 'data-color': colour });
}

// shade mixes colour c towards black (f < 1) or white (f > 1).
function shade(c, f) {
  const col = new Color(c);
  if (f < 1) col.multiplyScalar(f);
  else col.lerp(new Color('#ffffff'), f - 1);
  return '#' + col.getHexString();
}

function dotTexture() {
  const c = document.createElement('canvas');
  c.width = c.height = 64;
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.beginPath();
  g.arc(32, 32, 30, 0, 2 * Math.PI);
  g.fill();
  const t = new CanvasTexture(c);
  t.generateMipmaps = false;
  t.minFilter = LinearFilter;
  return t;
}

const fmtT = (t) => (t < 1 ? `${(t * 1000).toFixed(t * 1000 < 10 ? 1 : 0)} µs` : `${t.toFixed(3)} ms`);

function main() {
  const S = JSON.parse(document.getElementById('scene').textContent);
  const run = S.run || null;
  const app = document.getElementById('app');
  const view = el('div', { id: 'view' });
  const panel = el('div', { id: 'panel' });
  app.append(view, panel);

  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.localClippingEnabled = true;
  renderer.setClearColor('#15181e');
  view.append(renderer.domElement);

  const scene = new Scene();
  const focus = S.focus;
  const R = focus.radius;
  const camera = new PerspectiveCamera(40, 1, R / 200, R * 40);
  camera.up.set(0, 0, 1);
  scene.add(new AmbientLight('#ffffff', 1.2));
  const head = new DirectionalLight('#ffffff', 1.6);
  camera.add(head);
  head.position.set(0.3, 0.6, 1);
  scene.add(camera);

  const controls = new OrbitControls(camera, renderer.domElement);
  const look = (elevDeg, azDeg, zoom) => {
    const c = new Vector3(...focus.center);
    const dist = (R / Math.sin((camera.fov * Math.PI) / 360)) * 1.2 * zoom;
    const el_ = (elevDeg * Math.PI) / 180, az = (azDeg * Math.PI) / 180;
    camera.position.set(c.x + dist * Math.cos(el_) * Math.cos(az), c.y + dist * Math.cos(el_) * Math.sin(az), c.z + dist * Math.sin(el_));
    controls.target.copy(c);
    controls.update();
  };
  const home = () => look(52, -62, 1);

  // Section (clipping) plane.
  const sec = Object.assign({}, S.section);
  const plane = new Plane(new Vector3(0, 0, -1), 0);
  const setPlane = () => {
    const n = new Vector3();
    n.setComponent(sec.axis, sec.keep === 'below' ? -1 : 1);
    plane.normal.copy(n);
    plane.constant = sec.keep === 'below' ? sec.pos : -sec.pos;
  };
  setPlane();
  const clipped = [];
  const clipMat = (m) => {
    clipped.push(m);
    m.clippingPlanes = sec.on ? [plane] : [];
    return m;
  };

  // Surfaces.
  const legendRegions = [];
  let other = 0;
  const surfaceGroup = new Group();
  scene.add(surfaceGroup);
  for (const sf of S.surfaces || []) {
    const q = b64(sf.quads, Float32Array);
    const nrm = b64(sf.normals, Uint8Array);
    const nq = nrm.length;
    const pos = q;
    const normals = new Float32Array(nq * 12);
    const idx = new Uint32Array(nq * 6);
    for (let i = 0; i < nq; i++) {
      const d = nrm[i], a = d >> 1, s = d & 1 ? 1 : -1;
      for (let k = 0; k < 4; k++) normals[i * 12 + k * 3 + a] = -s; // facing the free side
      idx.set([4 * i, 4 * i + 1, 4 * i + 2, 4 * i, 4 * i + 2, 4 * i + 3], 6 * i);
    }
    const geo = new BufferGeometry();
    geo.setAttribute('position', new BufferAttribute(pos, 3));
    geo.setAttribute('normal', new BufferAttribute(normals, 3));
    geo.setIndex(new BufferAttribute(idx, 1));
    let colour, obj;
    if (sf.kind === 'membrane') {
      colour = regionColours[sf.name] || regionPalette[other++ % regionPalette.length];
      obj = new Mesh(geo, clipMat(new MeshLambertMaterial({ color: colour, side: DoubleSide, polygonOffset: true, polygonOffsetFactor: 6, polygonOffsetUnits: 6 })));
    } else {
      colour = sf.kind === 'sink' ? '#5fa8ff' : '#aaaaaa';
      obj = new Group();
      obj.add(new Mesh(geo, clipMat(new MeshBasicMaterial({ color: colour, transparent: true, opacity: 0.06, side: DoubleSide, depthWrite: false }))));
      // The outline of the grid's box, in the boundary's colour (the merged
      // rectangles' own edges would stripe the view).
      const box = new BoxGeometry(S.max[0] - S.min[0], S.max[1] - S.min[1], S.max[2] - S.min[2]);
      const outline = new LineSegments(new EdgesGeometry(box), new LineBasicMaterial({ color: colour, transparent: true, opacity: 0.45 }));
      outline.position.set((S.max[0] + S.min[0]) / 2, (S.max[1] + S.min[1]) / 2, (S.max[2] + S.min[2]) / 2);
      obj.add(outline);
    }
    surfaceGroup.add(obj);
    legendRegions.push({ name: sf.name, kind: sf.kind, colour, obj, tiles: sf.tiles, quads: nq });
  }

  // Sites: colour by type, lighter or darker by state.
  const dot = dotTexture();
  const nSites = (S.siteType || '') ? b64(S.siteType, Uint8Array).length : 0;
  const siteType = b64(S.siteType, Uint8Array);
  const siteState0 = b64(S.siteState, Uint8Array);
  const sitePos = b64(S.sitePos, Float32Array);
  const types = S.siteTypes || [];
  // A type's initial state in the type's colour, its conducting (open)
  // states white, its other states paler shades of the type's colour.
  const stateColour = types.map((t, i) => {
    const base = sitePalette[i % sitePalette.length];
    const others = t.states.map((_, j) => j).filter((j) => j !== t.initial && !(t.conducting || [])[j]);
    return t.states.map((_, j) => {
      if (j === t.initial) return base;
      if ((t.conducting || [])[j]) return '#ffffff';
      const k = others.indexOf(j);
      return shade(base, 1.25 + (0.45 * k) / Math.max(1, others.length - 1));
    });
  });
  const typeColour = types.map((_, i) => sitePalette[i % sitePalette.length]);
  const siteColours = new Float32Array(nSites * 3);
  const sitesGeo = new BufferGeometry();
  sitesGeo.setAttribute('position', new BufferAttribute(sitePos, 3));
  sitesGeo.setAttribute('color', new BufferAttribute(siteColours, 3));
  const siteMat = clipMat(new PointsMaterial({ size: S.voxel * 2.2, vertexColors: true, map: dot, alphaTest: 0.5, sizeAttenuation: true }));
  const sitePoints = new Points(sitesGeo, siteMat);
  scene.add(sitePoints);
  let siteStates = siteState0;
  let colourBy = 'state';
  const tmp = new Color();
  const paintSites = () => {
    for (let i = 0; i < nSites; i++) {
      const t = siteType[i];
      let st = siteStates[i];
      if (st === 255) st = siteState0[i];
      tmp.set(colourBy === 'type' ? typeColour[t] : stateColour[t][st] || typeColour[t]);
      siteColours.set([tmp.r, tmp.g, tmp.b], 3 * i);
    }
    sitesGeo.attributes.color.needsUpdate = true;
  };
  paintSites();

  // Releases and probes.
  const markers = new Group();
  scene.add(markers);
  for (const r of S.releases || []) {
    const m = new Mesh(new OctahedronGeometry(S.voxel * 1.2), new MeshBasicMaterial({ color: '#ffffff' }));
    m.position.set(...r.at);
    markers.add(m);
  }
  const probes = new Group();
  scene.add(probes);
  for (const p of S.probes || []) {
    const m = new Mesh(new SphereGeometry(p.radius, 24, 16), new MeshBasicMaterial({ color: '#ffffff', wireframe: true, transparent: true, opacity: 0.35 }));
    m.position.set(...p.at);
    probes.add(m);
  }

  // Molecules: all frames in one geometry, one draw range per frame.
  const species = S.species || [];
  const spColour = species.map((_, i) => speciesPalette[i % speciesPalette.length]);
  let molMat = null, molGeo = null, molPoints = null, molStart = null, molSp = null, times = null, molRows = null, siteFrames = null;
  if (run && run.snapshots) {
    molStart = b64(run.molStart, Uint32Array);
    molSp = b64(run.molSpecies, Uint8Array);
    times = b64(run.times, Float32Array);
    molRows = run.molRows || [];
    const molPos = b64(run.molPos, Float32Array);
    const cols = new Float32Array(molSp.length * 3);
    const spRGB = spColour.map((c) => new Color(c));
    for (let i = 0; i < molSp.length; i++) {
      const c = spRGB[molSp[i]];
      cols[3 * i] = c.r; cols[3 * i + 1] = c.g; cols[3 * i + 2] = c.b;
    }
    molGeo = new BufferGeometry();
    molGeo.setAttribute('position', new BufferAttribute(molPos, 3));
    molGeo.setAttribute('color', new BufferAttribute(cols, 3));
    molPoints = new Points(molGeo, molMat = new PointsMaterial({ size: S.voxel * 1.1, vertexColors: true, map: dot, alphaTest: 0.5, sizeAttenuation: true }));
    molPoints.frustumCulled = false;
    scene.add(molPoints);
  }
  if (run && run.siteStates) siteFrames = b64(run.siteStates, Uint8Array);
  const nFrames = times ? times.length : 0;

  // ---- Panel ----
  panel.append(el('h1', {}, S.title || 'mc view'));
  panel.append(el('div', { class: 'src' }, S.source || ''));
  const notes = [...(S.notes || []), ...((run && run.notes) || [])];
  if (sec.on && sec.why) notes.push(`Section: ${sec.why} (see Section below).`);
  for (const n of notes) panel.append(el('div', { class: 'note' }, n));

  // Time controls.
  let frame = 0, playing = false;
  const counts = el('div', { id: 'counts' });
  const tLabel = el('span', { id: 'tlabel' });
  const slider = el('input', { id: 'time', type: 'range', min: '0', max: String(Math.max(0, nFrames - 1)), value: '0', step: '1' });
  const playBtn = el('button', { id: 'play' }, '▶ play');
  if (nFrames > 0) {
    panel.append(el('h2', {}, 'Time'), el('div', { class: 'row' }, playBtn, tLabel), slider);
  }
  panel.append(el('h2', {}, 'At this time'), counts);

  const countSiteStates = () => {
    const per = types.map((t) => new Array(t.states.length).fill(0));
    for (let i = 0; i < nSites; i++) {
      let st = siteStates[i];
      if (st === 255) st = siteState0[i];
      per[siteType[i]][st]++;
    }
    return per;
  };

  const showFrame = (f) => {
    frame = Math.max(0, Math.min(nFrames - 1, f));
    counts.textContent = '';
    if (nFrames > 0) {
      const a = molStart[frame], b = molStart[frame + 1];
      molGeo.setDrawRange(a, b - a);
      const per = new Array(species.length).fill(0);
      for (let i = a; i < b; i++) per[molSp[i]]++;
      slider.value = String(frame);
      tLabel.textContent = `t = ${fmtT(times[frame])}  (${frame + 1}/${nFrames})`;
      const drawn = b - a, rows = molRows[frame];
      counts.append(el('div', {}, 'molecules shown: ', el('b', { id: 'molcount' }, String(drawn)),
        rows !== drawn ? ` of ${rows} in the run` : ''));
      const tbl = el('table', { class: 'counts' });
      species.forEach((s, i) => tbl.append(el('tr', {}, el('td', {}, swatch(spColour[i], true), ' ' + s), el('td', { class: 'num' }, String(per[i])))));
      counts.append(tbl);
      if (siteFrames) siteStates = siteFrames.subarray(frame * nSites, (frame + 1) * nSites);
      paintSites();
    } else if (run) {
      counts.append(el('div', { class: 'dim' }, 'no molecules recorded in this run'));
    }
    if (nSites > 0) {
      const per = countSiteStates();
      const tbl = el('table', { class: 'counts' });
      types.forEach((t, ti) => {
        tbl.append(el('tr', {}, el('th', { colspan: '2' }, swatch(typeColour[ti], true), ` ${t.name}`)));
        t.states.forEach((s, si) => {
          if (per[ti][si] > 0) tbl.append(el('tr', {}, el('td', {}, '\u2003', swatch(stateColour[ti][si], true), ' ' + s), el('td', { class: 'num' }, String(per[ti][si]))));
        });
      });
      counts.append(tbl);
    }
  };
  slider.addEventListener('input', () => showFrame(+slider.value));
  let last = 0;
  playBtn.addEventListener('click', () => {
    playing = !playing;
    if (playing && frame >= nFrames - 1) showFrame(0);
    playBtn.textContent = playing ? '❚❚ pause' : '▶ play';
  });

  // Legend.
  const legend = el('div', { id: 'legend' });
  panel.append(el('h2', {}, 'Legend'), legend);
  const toggle = (label, colour, obj, round, on = true) => {
    const cb = el('input', { type: 'checkbox' });
    cb.checked = on;
    obj.visible = on;
    cb.addEventListener('change', () => { obj.visible = cb.checked; });
    return el('label', { class: 'item' }, cb, swatch(colour, round), ' ' + label);
  };
  legend.append(el('div', { class: 'sub' }, 'Membranes'));
  for (const r of legendRegions.filter((r) => r.kind === 'membrane')) legend.append(toggle(r.name, r.colour, r.obj, false));
  const bounds = legendRegions.filter((r) => r.kind !== 'membrane');
  if (bounds.length) {
    legend.append(el('div', { class: 'sub' }, 'Boundaries'));
    for (const r of bounds) legend.append(toggle(r.name, r.colour, r.obj, false));
  }
  if (nSites > 0) {
    legend.append(el('div', { class: 'sub' }, `Sites (${nSites})`), toggle('show sites', '#ffffff', sitePoints, true));
    types.forEach((t, ti) => {
      legend.append(el('div', { class: 'item' }, swatch(typeColour[ti], true), ` ${t.name}: `,
        ...t.states.map((s, si) => el('span', { class: 'st' }, swatch(stateColour[ti][si], true), s + ((t.conducting || [])[si] ? ' (open)' : '')))));
    });
    const sel = el('select', { id: 'colourby' }, el('option', { value: 'state' }, 'state'), el('option', { value: 'type' }, 'type'));
    sel.addEventListener('change', () => { colourBy = sel.value; paintSites(); });
    legend.append(el('div', { class: 'item' }, 'colour sites by ', sel));
    if (S.sitesNote) legend.append(el('div', { class: 'dim' }, S.sitesNote));
  }
  legend.append(el('div', { class: 'sub' }, 'Species'));
  species.forEach((s, i) => legend.append(el('div', { class: 'item' }, swatch(spColour[i], true), ' ' + s)));
  if (molPoints) legend.append(toggle('show molecules', '#ffffff', molPoints, true));
  if ((S.releases || []).length) legend.append(toggle(`release point${S.releases.length > 1 ? 's' : ''} (${S.releases.map((r) => r.label.replace('release ', '')).filter((v, i, a) => a.indexOf(v) === i).join(', ')})`, '#ffffff', markers, false));
  if ((S.probes || []).length) legend.append(toggle(`probes: ${S.probes.map((p) => p.name).join(', ')}`, '#ffffff', probes, true));

  // Section controls.
  const secOn = el('input', { type: 'checkbox', id: 'section' });
  secOn.checked = !!sec.on;
  const axisSel = el('select', {}, ...['x', 'y', 'z'].map((a, i) => el('option', { value: String(i) }, a)));
  axisSel.value = String(sec.axis);
  const keepSel = el('select', {}, el('option', { value: 'below' }, 'keep below'), el('option', { value: 'above' }, 'keep above'));
  keepSel.value = sec.keep;
  const posSl = el('input', { type: 'range', min: '0', max: '1000', step: '1' });
  const lo = () => S.min[sec.axis], hi = () => S.max[sec.axis];
  const syncPos = () => { posSl.value = String(Math.round(((sec.pos - lo()) / (hi() - lo())) * 1000)); };
  syncPos();
  const posLabel = el('span', { class: 'dim' });
  const applySec = () => {
    setPlane();
    for (const m of clipped) { m.clippingPlanes = sec.on ? [plane] : []; m.needsUpdate = true; }
    if (molMat) { molMat.clippingPlanes = sec.on && sec.molecules ? [plane] : []; molMat.needsUpdate = true; }
    posLabel.textContent = `${'xyz'[sec.axis]} = ${(sec.pos * 1000).toFixed(0)} nm`;
  };
  secOn.addEventListener('change', () => { sec.on = secOn.checked; applySec(); });
  const secMol = el('input', { type: 'checkbox', id: 'section-molecules' });
  secMol.addEventListener('change', () => { sec.molecules = secMol.checked; applySec(); });
  axisSel.addEventListener('change', () => { sec.axis = +axisSel.value; sec.pos = (lo() + hi()) / 2; syncPos(); applySec(); });
  keepSel.addEventListener('change', () => { sec.keep = keepSel.value; applySec(); });
  posSl.addEventListener('input', () => { sec.pos = lo() + (+posSl.value / 1000) * (hi() - lo()); applySec(); });
  applySec();
  panel.append(el('h2', {}, 'Section'),
    el('label', { class: 'item' }, secOn, ' cut the geometry and sites'),
    el('label', { class: 'item' }, secMol, ' cut the molecules too'),
    el('div', { class: 'row' }, 'axis ', axisSel, ' ', keepSel, ' ', posLabel), posSl);

  const sizeSl = el('input', { type: 'range', min: '0.3', max: '4', step: '0.1', value: '1' });
  const setSize = (v) => {
    sizeSl.value = String(v);
    siteMat.size = S.voxel * 2.2 * v;
    if (molPoints) molPoints.material.size = S.voxel * 1.1 * v;
  };
  sizeSl.addEventListener('input', () => setSize(+sizeSl.value));
  const setSection = (on, axis, pos, keep, molecules) => {
    Object.assign(sec, { on, axis, pos, keep, molecules });
    secOn.checked = on; secMol.checked = molecules; axisSel.value = String(axis); keepSel.value = keep;
    syncPos(); applySec();
  };
  const homeBtn = el('button', { id: 'view-home' }, 'first view');
  homeBtn.addEventListener('click', () => { setSection(!!S.section.on, S.section.axis, S.section.pos, S.section.keep, false); setSize(1); home(); });
  const sideBtn = el('button', { id: 'view-side' }, 'side cut');
  sideBtn.addEventListener('click', () => { setSection(true, 1, focus.center[1], 'below', true); setSize(0.6); look(14, 90, 0.32); });
  const topBtn = el('button', { id: 'view-top' }, 'from above');
  topBtn.addEventListener('click', () => look(89, -90, 1));
  panel.append(el('h2', {}, 'View'), el('div', { class: 'row' }, 'point size ', sizeSl), el('div', { class: 'row' }, homeBtn, sideBtn, topBtn),
    el('div', { class: 'dim' }, 'drag: orbit · right-drag / shift-drag: pan · wheel: zoom'),
    el('div', { class: 'dim' }, `voxel ${(S.voxel * 1000).toFixed(1)} nm · grid ${S.geometry}`));

  // Scale bar in the view.
  const scale = el('div', { id: 'scale' });
  view.append(scale);

  const resize = () => {
    const w = view.clientWidth, h = view.clientHeight;
    renderer.setSize(w, h);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
  };
  window.addEventListener('resize', resize);
  resize();
  home();
  // Open on the first frame that has molecules (a snapshot at t = 0 may
  // precede the release).
  let first = 0;
  while (first < nFrames - 1 && molStart[first + 1] === molStart[first]) first++;
  showFrame(nFrames > 0 && molStart[nFrames] > 0 ? first : 0);

  const api = { frames: nFrames, rendered: 0, showFrame, get frame() { return frame; }, scene: S };
  window.reuptakeViewer = api;
  const tick = (now) => {
    if (playing && nFrames > 1 && now - last > 120) {
      last = now;
      if (frame >= nFrames - 1) { playing = false; playBtn.textContent = '▶ play'; } else showFrame(frame + 1);
    }
    controls.update();
    renderer.render(scene, camera);
    // Scale bar: the world length of 100 px at the target's distance.
    const d = camera.position.distanceTo(controls.target);
    const umPerPx = (2 * d * Math.tan((camera.fov * Math.PI) / 360)) / view.clientHeight;
    const nice = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50].find((v) => v / umPerPx >= 60) || 100;
    scale.style.width = `${nice / umPerPx}px`;
    scale.textContent = nice < 1 ? `${Math.round(nice * 1000)} nm` : `${nice} µm`;
    api.rendered++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

try {
  main();
} catch (e) {
  document.body.append(el('pre', { class: 'error' }, `mc view: ${e && e.stack ? e.stack : e}`));
  throw e;
}
