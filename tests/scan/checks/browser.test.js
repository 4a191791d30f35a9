// The scanner app in real headless Chromium with a fake camera playing label pictures.
// By default it makes fixtures (gen/fixtures.js) and serves them with server.js. Against the real
// service: SCAN_BASE_URL=http://127.0.0.1:PORT SCAN_MANIFEST=/path/manifest.json (same shape as
// gen/fixtures.js writes: labels, video, retailer key, and how to revoke `to_revoke`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { makeFixtures } from '../gen/fixtures.js';
import { startServer } from '../server.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT = { timeout: 30000 };
const DAY = 86400000;
/** No check may hang the suite: each gets two minutes at most. */
const LIMIT = { timeout: 120000 };

let tmp;
let server = null;
let base;
let m;
let profile;
let ctx;
let page;
const problems = [];

function launch(userDataDir, video) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'fr-FR',
    permissions: ['camera'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
}

/** Watches a page for script errors and CSP violations: the app must cause none. */
function watch(p) {
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  p.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/.test(msg.text())) problems.push(msg.text());
  });
  return p;
}

async function open(p, query = '') {
  await p.goto(`${base}/scan${query}`);
  await p.waitForSelector('body[data-ready="true"]', WAIT);
}

const row = (l, attr, status) => `#recent li[data-certificate="${l.certificate}"][data-item="${l.item}"][data-${attr}="${status}"]`;

/** Checks one code through the text box and returns the verdict panel's attributes. */
async function typeCode(p, code) {
  // The panel may still show the previous label: wait for the verdict of this check.
  const seq = Number((await p.getAttribute('#result', 'data-seq')) ?? 0) + 1;
  await p.fill('#code', code);
  await p.click('#manual button[type="submit"]');
  await p.waitForSelector(`#result[data-seq="${seq}"]:not([hidden])`, WAIT);
  return p.$eval('#result', (n) => ({ ...n.dataset }));
}

async function latestVersion() {
  const text = await (await fetch(`${base}/.well-known/tasdiq/status/latest`)).text();
  return Number(/^version (\d+)$/m.exec(text)[1]);
}

const serverLog = async () => (m.fixture_server ? (await fetch(`${base}/__fixture/log`)).json() : null);

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tasdiq-scan-'));
  if (process.env.SCAN_BASE_URL) {
    base = process.env.SCAN_BASE_URL.replace(/\/$/, '');
    m = JSON.parse(readFileSync(process.env.SCAN_MANIFEST, 'utf8'));
  } else {
    m = await makeFixtures(join(tmp, 'fixtures'));
    server = await startServer({ fixturesDir: join(tmp, 'fixtures') });
    base = server.url;
  }
  profile = join(tmp, 'profile');
  ctx = await launch(profile, m.video);
  page = watch(ctx.pages()[0] ?? (await ctx.newPage()));
}, LIMIT);

after(async () => {
  await ctx?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, LIMIT);

let firstVersion;

test('first visit: installable, list synced, camera shows authentic and counterfeit labels', LIMIT, async () => {
  await open(page);
  firstVersion = Number(await page.getAttribute('#list-status', 'data-version'));
  assert.ok(firstVersion >= 1, 'a status list was synced');
  const cdp = await ctx.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  await cdp.detach();
  assert.deepEqual(installabilityErrors, [], 'Chromium finds the app installable');
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration('/scan'))?.active?.state === 'activated', null, WAIT);

  const { authentic, counterfeit, to_revoke: toRevoke } = m.labels;
  await page.click('#scan');
  await page.waitForSelector(row(authentic, 'local-status', 'authentic'), WAIT);
  await page.waitForSelector(row(counterfeit, 'local-status', 'counterfeit'), WAIT);
  await page.waitForSelector(row(toRevoke, 'local-status', 'authentic'), WAIT);
  // Online, the server's verdict is shown too, and the scan is counted there.
  await page.waitForSelector(row(authentic, 'status', 'authentic'), WAIT);
  await page.click('#scan');
  const log = await serverLog();
  if (log) assert.ok(log.some((r) => r.method === 'GET' && r.path === `/api/v1/verify/${authentic.code}`), 'the scan was reported');
});

test('a revocation reaches the device through a delta', LIMIT, async () => {
  const { method, path, headers, body } = m.revoke;
  const res = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
  assert.ok(res.ok, `revoke: HTTP ${res.status}`);
  for (let i = 0; i < 90 && (await latestVersion()) <= firstVersion; i++) await new Promise((r) => setTimeout(r, 1000));
  const mark = (await serverLog())?.length ?? 0;
  await open(page);
  await page.waitForSelector(`#list-status[data-version="${firstVersion + 1}"]`, WAIT);
  const log = await serverLog();
  if (log) {
    const since = log.slice(mark);
    assert.ok(since.some((r) => r.path === '/.well-known/tasdiq/status/delta' && r.query === `?since=${firstVersion}`), 'asked for a delta');
    assert.ok(!since.some((r) => r.path === `/.well-known/tasdiq/status/${firstVersion + 1}`), 'no full snapshot needed');
  }
});

/** Network off for the browser; with the fixture server, the server unreachable as well. */
async function goOffline(off) {
  await ctx.setOffline(off);
  if (m.fixture_server) await fetch(`${base}/__fixture/dark`, { method: 'POST', body: JSON.stringify({ dark: off }) });
}

test('network off: /scan reloads from the cache and the revoked label shows revoked', LIMIT, async () => {
  await goOffline(true);
  const mark = (await serverLog())?.length ?? 0;
  await open(page);
  assert.equal(await page.getAttribute('#net', 'data-online'), 'false');
  const { authentic, counterfeit, to_revoke: toRevoke } = m.labels;
  await page.click('#scan');
  await page.waitForSelector(row(toRevoke, 'local-status', 'revoked'), WAIT);
  await page.waitForSelector(row(authentic, 'local-status', 'authentic'), WAIT);
  await page.waitForSelector(row(counterfeit, 'local-status', 'counterfeit'), WAIT);
  await page.click('#scan');
  const seen = await page.$$eval('#recent li', (els) => els.map((e) => [e.dataset.status, e.dataset.localStatus]));
  assert.ok(seen.every(([shown, local]) => shown === local), 'offline, every verdict is the device’s own');

  const s = await typeCode(page, `${m.prefix}${m.labels.brand_suspended.code}`);
  assert.deepEqual([s.status, s.reason], ['suspended', 'brand_suspended']);
  const k = await typeCode(page, m.labels.key_compromised.code);
  assert.deepEqual([k.status, k.reason], ['unknown', 'key_compromised'], 'a compromised key cannot confirm offline');
  const e = await typeCode(page, m.labels.expired.code);
  assert.equal(e.status, 'expired');
  const log = await serverLog();
  // Everything above worked with the server unreachable: whatever went out (the browser's own
  // update check of the worker; now and then a sync, when Chromium re-applies the offline
  // emulation to the reloaded page and fires a brief `online`) found nobody to answer.
  if (log) assert.ok(log.slice(mark).every((r) => r.dark), 'the server answered nothing while offline');
});

test('retailer mode: a carton with a duplicate and a counterfeit, queued offline, sent once back online as a receiving event', LIMIT, async () => {
  await goOffline(false);
  await open(page);
  await page.click('#mode-retailer');
  await page.fill('#api-key', m.retailer_key);
  await page.fill('#location', m.location);
  await page.click('#retail-settings button[type="submit"]');
  await page.waitForSelector('#retail-saved:not([hidden])', WAIT);

  await page.click('#carton');
  const { authentic, counterfeit } = m.labels;
  await page.waitForSelector(`#carton-list li[data-certificate="${authentic.certificate}"][data-item="1"][data-duplicate="true"]`, WAIT);
  await page.click('#carton');
  assert.ok(await page.$(`#carton-list li[data-certificate="${counterfeit.certificate}"][data-status="counterfeit"]`), 'the counterfeit is flagged');
  const codes = await page.$$eval('#carton-list li', (els) => els.length);
  const summary = await page.$eval('#carton-summary', (n) => ({ ...n.dataset }));
  assert.equal(Number(summary.count), codes);
  assert.ok(Number(summary.duplicates) >= 1 && Number(summary.bad) >= 1, JSON.stringify(summary));

  await goOffline(true);
  await page.click('#submit-lot');
  await page.waitForSelector('#outbox[data-count="1"]:not([hidden])', WAIT);
  const mark = (await serverLog())?.length ?? 0;
  await goOffline(false);
  await page.waitForSelector(`#lot-results li[data-state="sent"][data-count="${codes}"]`, WAIT);
  assert.equal(await page.getAttribute('#outbox', 'data-count'), '0');

  const log = await serverLog();
  if (log) {
    const posts = log.slice(mark).filter((r) => r.method === 'POST' && r.path === '/api/v1/verify');
    assert.equal(posts.length, 1, 'one batch');
    assert.equal(posts[0].authorization, `Bearer ${m.retailer_key}`);
    const body = JSON.parse(posts[0].body);
    assert.equal(body.codes.length, codes);
    assert.equal(body.codes.filter((c) => c === authentic.code).length >= 2, true, 'the duplicate is sent for copy detection');
    assert.deepEqual(Object.keys(body), ['codes', 'record'], 'the batch body: codes and the custody record');
    assert.deepEqual(body.record, { bizStep: 'receiving', bizLocation: m.location }, 'received at the retailer\'s location');
    assert.ok(log.filter((r) => r.authorization).every((r) => r.path === '/api/v1/verify'), 'the key goes to the batch route only');
  }
});

test('a list older than the maximum age is shown as stale, and decides nothing but what it lists', LIMIT, async () => {
  await ctx.close();
  // A new launch on the same profile: the cached app and data stay, the clock moves 8 days on.
  ctx = await launch(profile, m.video);
  page = watch(ctx.pages()[0] ?? (await ctx.newPage()));
  await goOffline(true);
  await page.clock.setFixedTime(new Date(Date.now() + 8 * DAY));
  await open(page);
  assert.equal(await page.getAttribute('#list-status', 'data-stale'), 'true');
  const a = await typeCode(page, m.labels.authentic.code);
  assert.deepEqual([a.status, a.reason], ['unknown', 'status_stale']);
  const r = await typeCode(page, m.labels.to_revoke.code);
  assert.equal(r.status, 'revoked', 'a revocation in the list still holds');
});

test('without WebCrypto Ed25519, the vendored noble-ed25519 checks signatures; languages and bad input', LIMIT, async () => {
  await ctx.close();
  ctx = await launch(join(tmp, 'profile-noble'), m.video);
  await ctx.addInitScript(() => {
    const importKey = crypto.subtle.importKey.bind(crypto.subtle);
    crypto.subtle.importKey = (format, key, alg, ...rest) =>
      alg === 'Ed25519' || alg?.name === 'Ed25519' ? Promise.reject(new DOMException('no Ed25519', 'NotSupportedError')) : importKey(format, key, alg, ...rest);
  });
  page = watch(ctx.pages()[0] ?? (await ctx.newPage()));
  await goOffline(false);
  await open(page, '?lang=ar');
  assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl']);
  assert.equal((await typeCode(page, m.labels.authentic.code)).localStatus, 'authentic');
  assert.equal((await typeCode(page, m.labels.counterfeit.code)).localStatus, 'counterfeit');
  assert.equal(await page.getAttribute('#engine', 'data-engine'), 'noble');

  await page.click('[data-lang="zgh"]');
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
  assert.match(await page.textContent('h1'), /[\u2d30-\u2d7f]/, 'Tamazight in Tifinagh');
  const cut = await typeCode(page, m.labels.authentic.code.slice(0, 206));
  assert.deepEqual([cut.status, cut.reason], ['malformed', 'bad_length']);
  await page.fill('#code', 'hello');
  await page.click('#manual button[type="submit"]');
  await page.waitForSelector('#input-error:not([hidden])', WAIT);
});

test('no script error and no CSP violation on any page', LIMIT, () => {
  assert.deepEqual(problems, []);
});
