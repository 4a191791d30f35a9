// The scanner app's page: language, camera and typed input, the in-browser verdict with the age
// of the status list, the online verdict when the network is there, and retailer mode. All text
// goes in through textContent; nothing from a label or a server is parsed as HTML.
import { MESSAGES, LANGUAGES, RTL } from './messages.js';
import { extractCode, parseLabel } from './label.js';
import { verifyEd25519, signatureEngine } from './crypto.js';
import { decideOffline, isStale } from './verdict.js';
import { readKeySet, syncKeys, syncStatus, syncBrands, heldList } from './sync.js';
import { getState, putState } from './store.js';
import { startScanner } from './scanner.js';
import { Carton, queueLot, flushOutbox, outbox, discardLot } from './retail.js';

const $ = (id) => document.getElementById(id);
const RECENT_MAX = 10;

const app = {
  lang: 'fr',
  mode: 'consumer',
  keys: null,
  held: null,
  list: null,
  brands: {},
  statusError: null,
  scanner: null,
  result: null,
  /** How many labels were checked: the verdict panel shows which check it is. */
  checks: 0,
  recent: [],
  carton: new Carton(),
  lots: [],
};

function t(key, args = {}) {
  const text = MESSAGES[app.lang][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(args[k] ?? ''));
}

function pickLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGUAGES.includes(asked)) return asked;
  const kept = localStorage.getItem('tasdiq-lang');
  if (LANGUAGES.includes(kept)) return kept;
  for (const l of navigator.languages ?? []) {
    const base = l.toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
    if (base === 'tzm' || base === 'ber') return 'zgh';
  }
  return 'fr';
}

/** `29/11/2026 10:00 UTC`: one numeric form that reads the same in the four languages. */
function fmtTime(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

function fmtDate(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// ---- language ----

function applyLanguage() {
  document.documentElement.lang = app.lang;
  document.documentElement.dir = RTL.has(app.lang) ? 'rtl' : 'ltr';
  document.title = `${t('site-name')} · ${t('scan-title')}`;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('langs').setAttribute('aria-label', t('switch-language'));
  for (const b of document.querySelectorAll('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === app.lang));
  renderAll();
}

function renderAll() {
  renderNet();
  renderListStatus();
  renderResult();
  renderRecent();
  renderCarton();
  renderLots();
  renderEngine();
}

// ---- status line ----

function renderNet() {
  const online = navigator.onLine;
  $('net').textContent = t(online ? 'scan-net-online' : 'scan-net-offline');
  $('net').dataset.online = String(online);
}

function renderListStatus() {
  const node = $('list-status');
  node.replaceChildren();
  if (app.list) {
    const stale = isStale(app.list.latest, Date.now());
    node.dataset.version = String(app.list.version);
    node.dataset.stale = String(stale);
    node.append(t('scan-status-as-of', { date: fmtTime(app.list.latest.asOf), version: app.list.version }));
    if (stale) node.append(` — ${t('scan-status-stale')}`);
  } else {
    delete node.dataset.version;
    node.dataset.stale = 'true';
    node.append(t('scan-status-none'));
  }
  if (app.statusError) node.append(el('span', { class: 'error' }, ` ${t('scan-status-error')}`));
}

function renderEngine() {
  const engine = signatureEngine();
  $('engine').textContent = engine ? t('scan-about-engine', { engine: engine === 'webcrypto' ? 'WebCrypto Ed25519' : 'noble-ed25519' }) : '';
  if (engine) $('engine').dataset.engine = engine;
}

// ---- data on the device ----

async function loadHeld() {
  try {
    const keysText = await getState('keys');
    if (keysText) app.keys = await readKeySet(keysText);
    app.held = (await getState('status')) ?? null;
    app.list = heldList(app.held);
    app.brands = (await getState('brands')) ?? {};
  } catch {
    // Unreadable local data counts as none; the next sync replaces it.
    app.held = null;
    app.list = null;
  }
}

async function syncNow() {
  try {
    const text = await syncKeys(fetch);
    app.keys = await readKeySet(text);
    await putState('keys', text);
  } catch {
    // Offline or server trouble: keep the key set held.
  }
  if (app.keys) {
    try {
      const { state } = await syncStatus(fetch, app.keys.statusKeys, app.held, Date.now());
      app.held = state;
      app.list = heldList(state);
      app.statusError = null;
      await putState('status', state);
    } catch (e) {
      // A network failure is silent; a list that does not verify is shown, and not used.
      if (!(e instanceof TypeError)) app.statusError = e.message;
    }
  }
  try {
    app.brands = await syncBrands(fetch);
    await putState('brands', app.brands);
  } catch {
    // Brand names are only for display.
  }
  renderListStatus();
}

// ---- checking a label ----

function brandName(number) {
  const names = app.brands[number];
  return names ? `${names[app.lang] ?? names.fr ?? ''} (${t('scan-brand-number', { number })})` : t('scan-brand-number', { number });
}

/** Verifies on the device; never throws. */
async function decideHere(code) {
  let label;
  try {
    label = parseLabel(code);
  } catch (e) {
    return { label: null, local: { status: 'malformed', reason: e.reason ?? 'bad_length', warnings: [] } };
  }
  if (!app.keys) return { label, local: { status: 'unknown', reason: 'no_keys', warnings: [] } };
  const key = app.keys.labelKeys.get(label.kid) ?? null;
  const signatureOk = key ? await verifyEd25519(key.pub, label.message, label.signature) : false;
  return { label, local: decideOffline({ label, key, signatureOk, list: app.list, now: Date.now() }) };
}

async function askServer(code) {
  const res = await fetch(`/api/v1/verify/${code}`, { credentials: 'omit', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

async function check(text) {
  $('input-error').hidden = true;
  const code = extractCode(text);
  if (code === null) {
    showInputError(text);
    return null;
  }
  const r = { code, ...(await decideHere(code)), online: null, onlineState: 'none', seq: ++app.checks };
  app.result = r;
  app.recent.unshift(r);
  app.recent.length = Math.min(app.recent.length, RECENT_MAX);
  renderResult();
  renderRecent();
  renderEngine();
  if (r.label && navigator.onLine) {
    r.onlineState = 'pending';
    askServer(code)
      .then((doc) => {
        r.online = doc;
        r.onlineState = 'done';
      })
      .catch(() => {
        r.onlineState = 'failed';
      })
      .finally(() => {
        if (app.result === r) renderResult();
        renderRecent();
      });
  }
  return r;
}

function showInputError(text) {
  const node = $('input-error');
  node.replaceChildren();
  const trimmed = String(text).trim();
  // The printed short code (contract §2) is letters and digits in dashed groups.
  if (/^[0-9A-Za-z]{3,6}(?:-[0-9A-Za-z]{2,6}){2,5}$/.test(trimmed)) {
    node.append(t('scan-input-short-code'), ' ');
    if (navigator.onLine) node.append(el('a', { href: `/v?code=${encodeURIComponent(trimmed)}` }, t('scan-input-short-code-link')));
  } else {
    node.append(t('scan-input-not-code'));
  }
  node.hidden = false;
}

function verdictTexts(status, reason, label) {
  if (status === 'unknown') {
    return {
      title: t('scan-verdict-unknown-title'),
      body: reason === 'no_keys' ? t('scan-status-none') : t(`scan-unknown-${reason}`, { date: app.list ? fmtTime(app.list.latest.asOf) : '' }),
      action: t('scan-unknown-action'),
    };
  }
  return {
    title: t(`verdict-${status}-title`),
    body: t(`verdict-${status}-body`, { date: label ? fmtDate(label.expiresOn) : '' }),
    action: t(`verdict-${status}-action`),
  };
}

function renderResult() {
  const node = $('result');
  const r = app.result;
  if (!r) {
    node.hidden = true;
    return;
  }
  const main = r.online && r.online.status ? r.online : r.local;
  const texts = verdictTexts(main.status, main.reason, r.label);
  node.className = `verdict v-${main.status}`;
  node.dataset.status = main.status;
  node.dataset.reason = main.reason;
  node.dataset.localStatus = r.local.status;
  node.dataset.source = main === r.online ? 'online' : 'device';
  node.dataset.seq = String(r.seq);
  node.dataset.certificate = r.label?.certificate ?? '';
  node.dataset.item = r.label ? String(r.label.item) : '';
  const reasonText = MESSAGES[app.lang][`reason-${main.reason}`];
  const children = [el('h2', {}, texts.title), el('p', {}, texts.body)];
  if (reasonText && main.status !== 'unknown') children.push(el('p', { class: 'reason' }, reasonText));
  children.push(el('p', { class: 'action' }, texts.action));
  if (r.label) {
    const dl = el('dl');
    const row = (k, v) => dl.append(el('dt', {}, t(k)), el('dd', {}, v));
    const cert = r.online?.certificate;
    row('field-brand', brandName(r.label.brand));
    if (cert?.product) row('field-product', cert.product);
    if (cert?.producer?.name) row('field-producer', cert.producer.name);
    if (cert?.lot) row('field-lot', cert.lot);
    row('field-certificate', r.label.certificate);
    row('field-item', String(r.label.item));
    row('field-expires-on', fmtDate(r.label.expiresOn));
    children.push(dl);
  }
  children.push(deviceLine(r));
  if (r.onlineState !== 'none') children.push(onlineSection(r));
  node.replaceChildren(...children);
  node.hidden = false;
}

/** What this device decided, and on which list. */
function deviceLine(r) {
  const p = el('p', { class: 'device' });
  p.append(`${t('scan-checked-here')}: ${verdictTexts(r.local.status, r.local.reason, r.label).title}`);
  if (app.list && r.label) p.append(` · ${t('scan-status-as-of', { date: fmtTime(app.list.latest.asOf), version: app.list.version })}`);
  if (r.local.warnings.includes('status_unchecked')) p.append(el('br'), t('scan-status-unchecked'));
  return p;
}

function onlineSection(r) {
  const s = el('section', { class: 'online' });
  if (r.onlineState === 'pending') return s;
  if (r.onlineState === 'failed' || !r.online?.status) {
    s.append(el('p', {}, t('scan-online-failed')));
    return s;
  }
  const o = r.online;
  s.dataset.status = o.status;
  s.append(el('h3', {}, `${t('scan-online-title')}: ${t(`verdict-${o.status}-title`)}`));
  if (o.status !== r.local.status) s.append(el('p', { class: 'differs' }, t('scan-online-differs')));
  if (Number.isInteger(o.label?.scans)) s.append(el('p', { class: 'scans' }, `${t('field-scans')}: ${o.label.scans}`));
  if (Array.isArray(o.warnings) && o.warnings.includes('suspected_copy')) {
    s.append(el('p', { class: 'warning' }, el('strong', {}, t('warning-suspected-copy-title')), ' ', t('warning-suspected-copy-body')));
  }
  if (o.risk === 'watch' || o.risk === 'high') s.append(el('p', { class: `risk risk-${o.risk}` }, t(`scan-risk-${o.risk}`)));
  return s;
}

function renderRecent() {
  const items = app.recent.map((r) => {
    const main = r.online?.status ? r.online : r.local;
    const what = r.label ? `${t('field-certificate')} ${r.label.certificate} · ${t('field-item')} ${r.label.item}` : '';
    const attrs = { class: `v-${main.status}`, 'data-status': main.status, 'data-local-status': r.local.status, 'data-reason': r.local.reason };
    if (r.label) Object.assign(attrs, { 'data-certificate': r.label.certificate, 'data-item': String(r.label.item) });
    return el('li', attrs, `${verdictTexts(main.status, main.reason, r.label).title} — ${what}`);
  });
  $('recent').replaceChildren(...items);
}

// ---- camera ----

async function toggleCamera(onRead, button, startKey) {
  if (app.scanner) {
    app.scanner.stop();
    app.scanner = null;
    $('camera').hidden = true;
    button.dataset.t = startKey;
    button.textContent = t(startKey);
    return;
  }
  $('camera-error').hidden = true;
  try {
    app.scanner = await startScanner($('video'), onRead);
    $('camera').hidden = false;
    $('camera').dataset.decoder = app.scanner.decoder;
    button.dataset.t = 'scan-camera-stop';
    button.textContent = t('scan-camera-stop');
  } catch {
    $('camera-error').textContent = t('scan-camera-error');
    $('camera-error').hidden = false;
  }
}

// ---- retailer mode ----

function renderCarton() {
  const s = app.carton.summary();
  $('carton-summary').textContent = t('scan-retail-summary', s);
  $('carton-summary').dataset.count = String(s.count);
  $('carton-summary').dataset.duplicates = String(s.duplicates);
  $('carton-summary').dataset.bad = String(s.bad);
  const items = app.carton.scans.map((scan) => {
    const { label, verdict } = scan;
    const what = label ? ` — ${t('field-certificate')} ${label.certificate} · ${t('field-item')} ${label.item}` : '';
    const attrs = { class: `v-${verdict.status}`, 'data-status': verdict.status, 'data-duplicate': String(scan.duplicate) };
    if (label) Object.assign(attrs, { 'data-certificate': label.certificate, 'data-item': String(label.item) });
    const li = el('li', attrs, `${verdictTexts(verdict.status, verdict.reason, label).title}${what}`);
    if (scan.duplicate) li.append(' ', el('strong', { class: 'dup' }, t('scan-retail-duplicate')));
    const remove = el('button', { type: 'button', class: 'remove', 'aria-label': '×' }, '×');
    remove.addEventListener('click', () => {
      app.carton.remove(scan.id);
      renderCarton();
    });
    li.append(' ', remove);
    return li;
  });
  $('carton-list').replaceChildren(...items.reverse());
}

async function addToCarton(text) {
  const code = extractCode(text);
  if (code === null) return;
  const { label, local } = await decideHere(code);
  const scan = app.carton.add(code, local);
  scan.label = label;
  renderCarton();
}

async function renderLots() {
  const lots = await outbox().catch(() => []);
  const waiting = lots.filter((l) => l.state === 'queued');
  const node = $('outbox');
  node.hidden = waiting.length === 0;
  node.dataset.count = String(waiting.length);
  node.textContent = t('scan-retail-queued', { count: waiting.length });
  const failed = lots
    .filter((l) => l.state === 'failed')
    .map((l) => {
      const discard = el('button', { type: 'button' }, t('scan-retail-discard'));
      discard.addEventListener('click', async () => {
        await discardLot(l.id);
        renderLots();
      });
      return el('li', { class: 'failed', 'data-state': 'failed' }, t('scan-retail-failed', { detail: l.detail }), ' ', discard);
    });
  const sent = app.lots.map((x) => el('li', { class: 'sent', 'data-state': 'sent', 'data-count': String(x.count), 'data-authentic': String(x.authentic) }, x.refused ? t('scan-retail-refused') : t('scan-retail-sent', x)));
  $('lot-results').replaceChildren(...failed, ...sent);
}

async function flush() {
  await flushOutbox({
    sent(lot, doc) {
      const results = Array.isArray(doc.results) ? doc.results : [];
      app.lots.unshift({ count: results.length, authentic: results.filter((r) => r.status === 'authentic').length });
    },
    refused() {
      app.lots.unshift({ refused: true, count: 0, authentic: 0 });
    },
    failed() {},
  });
  renderLots();
}

async function submitLot() {
  const settings = await getState('retailer');
  if (!settings?.key) {
    $('retail-saved').textContent = t('scan-retail-need-key');
    $('retail-saved').hidden = false;
    return;
  }
  if (app.carton.scans.length === 0) return;
  await queueLot(
    app.carton.scans.map((s) => s.code),
    settings.location,
  );
  app.carton = new Carton();
  renderCarton();
  await renderLots();
  if (navigator.onLine) await flush();
}

// ---- wiring ----

function setMode(mode) {
  app.mode = mode;
  if (app.scanner) {
    app.scanner.stop();
    app.scanner = null;
    $('camera').hidden = true;
  }
  for (const [id, key] of [['scan', 'scan-camera-start'], ['carton', 'scan-retail-start']]) {
    $(id).dataset.t = key;
    $(id).textContent = t(key);
  }
  $('consumer').hidden = mode !== 'consumer';
  $('retailer').hidden = mode !== 'retailer';
  $('mode-consumer').setAttribute('aria-selected', String(mode === 'consumer'));
  $('mode-retailer').setAttribute('aria-selected', String(mode === 'retailer'));
}

function wire() {
  for (const b of document.querySelectorAll('[data-lang]')) {
    b.addEventListener('click', () => {
      app.lang = b.dataset.lang;
      localStorage.setItem('tasdiq-lang', app.lang);
      applyLanguage();
    });
  }
  $('mode-consumer').addEventListener('click', () => setMode('consumer'));
  $('mode-retailer').addEventListener('click', () => setMode('retailer'));
  $('scan').addEventListener('click', () => toggleCamera(check, $('scan'), 'scan-camera-start'));
  $('carton').addEventListener('click', () => toggleCamera(addToCarton, $('carton'), 'scan-retail-start'));
  $('manual').addEventListener('submit', (e) => {
    e.preventDefault();
    check($('code').value);
  });
  $('retail-settings').addEventListener('submit', async (e) => {
    e.preventDefault();
    const held = (await getState('retailer')) ?? {};
    const key = $('api-key').value.trim() || held.key;
    await putState('retailer', { key, location: $('location').value.trim() || null });
    $('api-key').value = '';
    $('retail-saved').textContent = t('scan-retail-key-saved');
    $('retail-saved').hidden = false;
    if (navigator.onLine) flush();
  });
  $('submit-lot').addEventListener('click', submitLot);
  $('clear-lot').addEventListener('click', () => {
    app.carton = new Carton();
    renderCarton();
  });
  window.addEventListener('online', async () => {
    renderNet();
    await syncNow();
    await flush();
  });
  window.addEventListener('offline', renderNet);
}

async function boot() {
  app.lang = pickLanguage();
  wire();
  applyLanguage();
  await loadHeld();
  const settings = await getState('retailer').catch(() => null);
  if (settings?.location) $('location').value = settings.location;
  renderAll();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/scan/sw.js', { scope: '/scan', updateViaCache: 'none' }).catch(() => {});
  }
  if (navigator.onLine) {
    await syncNow();
    await flush();
  }
  document.body.dataset.ready = 'true';
}

boot();
