// The app's files as a whole: every message in four languages and in step with src/i18n, the
// service worker caching exactly what is served, the size budget, no inline script or style,
// and the generated files (vendored libraries, vectors, stamp) being what their tools make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MESSAGES, LANGUAGES } from '../../../src/http/scan/messages.js';
import { APP_DIR, appFile } from '../server.js';
import { shellOf } from '../tools/stamp-sw.js';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const FTL = fileURLToPath(new URL('../../../src/i18n/', import.meta.url));
const BUDGET = 300 * 1024;

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** What the server serves at /scan/…: every file of the folder but the READMEs. */
const served = files(APP_DIR).filter((p) => !p.endsWith('.md'));
const urlOf = (p) => (p.endsWith('index.html') ? '/scan' : `/scan/${relative(APP_DIR, p)}`);

test('every message exists in the four languages, and every key the code uses exists', () => {
  assert.deepEqual(Object.keys(MESSAGES).sort(), [...LANGUAGES].sort());
  const keys = Object.keys(MESSAGES.en).sort();
  for (const l of LANGUAGES) assert.deepEqual(Object.keys(MESSAGES[l]).sort(), keys, l);
  const code = ['app.js', 'index.html'].map((f) => readFileSync(join(APP_DIR, f), 'utf8')).join('\n');
  const used = new Set([...code.matchAll(/(?:\bt\(|data-t=|dataset\.t = )['"`]([a-z][a-z0-9_-]+)['"`]/g)].map((m) => m[1]));
  for (const k of used) assert.ok(keys.includes(k), `missing message ${k}`);
  for (const status of ['authentic', 'expired', 'revoked', 'suspended', 'counterfeit', 'malformed']) {
    for (const part of ['title', 'body', 'action']) assert.ok(keys.includes(`verdict-${status}-${part}`));
  }
  for (const reason of ['status_stale', 'key_compromised']) assert.ok(keys.includes(`scan-unknown-${reason}`));
});

test('messages shared with the verification page have its exact text', () => {
  for (const l of LANGUAGES) {
    const ftl = {};
    for (const line of readFileSync(join(FTL, `${l}.ftl`), 'utf8').split('\n')) {
      const m = /^([a-z][a-z0-9_-]*) = (.*)$/.exec(line);
      if (m) ftl[m[1]] = m[2].replace(/\{ \$(\w+) \}/g, '{$1}');
    }
    for (const [k, v] of Object.entries(MESSAGES[l])) if (!k.startsWith('scan-')) assert.equal(v, ftl[k], `${l} ${k}`);
  }
});

test('the service worker caches every file the app needs offline, and its stamp is current', () => {
  const sw = readFileSync(join(APP_DIR, 'sw.js'), 'utf8');
  const shell = shellOf(sw).sort();
  // Licence texts are served for the record but not needed offline; the worker itself is not
  // cached by itself.
  const needed = served.filter((p) => !p.endsWith('.txt') && !p.endsWith('sw.js')).map(urlOf).sort();
  assert.deepEqual(shell, needed);
  for (const u of shell) assert.ok(appFile(u), u);
  execFileSync('node', ['tools/stamp-sw.js', '--check'], { cwd: HERE });
});

test('the whole app is under 300 KB', () => {
  const sizes = served.map((p) => [urlOf(p), statSync(p).size]);
  const total = sizes.reduce((a, [, s]) => a + s, 0);
  if (process.env.SCAN_SIZES) for (const [u, s] of sizes) console.log(`${String(s).padStart(7)}  ${u}`);
  assert.ok(total < BUDGET, `${total} bytes`);
});

test('no inline script, no inline style, no external asset', () => {
  const html = readFileSync(join(APP_DIR, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'inline script');
  assert.doesNotMatch(html, /\sstyle=|<style/, 'inline style');
  assert.doesNotMatch(html, /\son[a-z]+=/, 'inline event handler');
  for (const p of served.filter((f) => /\.(html|js|css|webmanifest)$/.test(f))) {
    const text = readFileSync(p, 'utf8');
    assert.doesNotMatch(text, /(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?\/\//, `${urlOf(p)} loads something from elsewhere`);
    assert.doesNotMatch(text, /\.innerHTML\s*=|insertAdjacentHTML|document\.write/, `${urlOf(p)} writes HTML`);
  }
});

test('generated files are what their tools make', () => {
  execFileSync('node', ['tools/vendor.js', '--check'], { cwd: HERE });
  execFileSync('node', ['gen/vectors.js', '--check'], { cwd: HERE });
});
