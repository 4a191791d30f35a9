// A small static server for the scanner checks: it serves src/http/scan/ at /scan with the
// headers the real service is to send (docs in src/http/scan/README.md), and, from a fixtures
// directory (gen/fixtures.js), the key set, the status notes of the current phase, and the
// answers of the two verify routes. It records every request so the checks can see what the app
// sent. Stand-in for the routes that are not wired into the service yet; the checks run against
// the real service by pointing SCAN_BASE_URL at it instead.
// Usage: node server.js FIXTURES_DIR [--port N]
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_DIR = fileURLToPath(new URL('../../src/http/scan/', import.meta.url));

/** The headers of the app's files: its own CSP (scripts and styles from our origin only). */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The file behind an app URL, or null: /scan is index.html; no READMEs, nothing outside. */
export function appFile(pathname) {
  if (pathname === '/scan' || pathname === '/scan/') return join(APP_DIR, 'index.html');
  if (!pathname.startsWith('/scan/')) return null;
  const rel = normalize(pathname.slice('/scan/'.length));
  if (rel.startsWith('..') || rel.endsWith('.md') || rel === 'index.html') return null;
  const file = join(APP_DIR, rel);
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

function problem(res, status, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: String(status), status, detail }));
}

function codeOf(input) {
  const m = /\/[vV]\/([0-9]+)$/.exec(String(input));
  return m ? m[1] : String(input);
}

export function startServer({ fixturesDir, port = 0 }) {
  const fx = fixturesDir ? JSON.parse(readFileSync(join(fixturesDir, 'fixtures.json'), 'utf8')) : null;
  const state = { phase: 0, log: [], scans: {}, dark: false };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let body = '';
    req.on('data', (c) => {
      body += c;
      if (body.length > 1 << 20) req.destroy();
    });
    req.on('end', () => {
      const control = url.pathname.startsWith('/__fixture/');
      if (!control) state.log.push({ method: req.method, path: url.pathname, query: url.search, authorization: req.headers.authorization ?? null, body, dark: state.dark });
      // Dark: the server is unreachable, as in a real outage, for what the browser sends on its
      // own (the service worker's update check is not covered by DevTools' offline emulation).
      if (state.dark && !control) return req.socket.destroy();
      handle(req, res, url, body);
    });
  });

  function handle(req, res, url, body) {
    const file = req.method === 'GET' ? appFile(url.pathname) : null;
    if (file) {
      const headers = {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      };
      // On every app file, the worker script included: a worker's CSP is the one its own script
      // came with, and the site's `default-src 'none'` would stop it filling its cache.
      headers['Content-Security-Policy'] = CSP;
      if (file.endsWith('index.html')) headers['Permissions-Policy'] = 'camera=(self), microphone=(), geolocation=()';
      if (url.pathname === '/scan/sw.js') headers['Service-Worker-Allowed'] = '/scan';
      res.writeHead(200, headers);
      res.end(readFileSync(file));
      return;
    }
    if (!fx) return problem(res, 404, 'no such page');
    const phase = fx.phases[state.phase];
    const text = (s) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(s);
    };
    const json = (status, doc) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(doc));
    };
    const p = url.pathname;
    if (req.method === 'POST' && p === '/__fixture/phase') {
      state.phase = JSON.parse(body).phase - 1;
      return json(200, { phase: state.phase + 1 });
    }
    if (req.method === 'GET' && p === '/__fixture/log') return json(200, state.log);
    if (req.method === 'POST' && p === '/__fixture/dark') {
      state.dark = JSON.parse(body).dark === true;
      return json(200, { dark: state.dark });
    }
    if (req.method === 'GET' && p === '/.well-known/tasdiq/keys.json') return json(200, fx.keys);
    if (req.method === 'GET' && p === '/.well-known/tasdiq/status/latest') return text(phase.latest);
    if (req.method === 'GET' && p === '/.well-known/tasdiq/status/delta') {
      const since = url.searchParams.get('since');
      return phase.deltas[since] ? text(phase.deltas[since]) : problem(res, 410, 'too old: fetch the full snapshot');
    }
    const snap = /^\/\.well-known\/tasdiq\/status\/([0-9]+)$/.exec(p);
    if (req.method === 'GET' && snap) return phase.snapshots[snap[1]] ? text(phase.snapshots[snap[1]]) : problem(res, 404, 'no such version');
    if (req.method === 'GET' && p === '/api/v1/brands') return json(200, fx.brands);
    const verdict = (code) => {
      const v = phase.verdicts[code];
      if (!v) return null;
      state.scans[code] = (state.scans[code] ?? 0) + 1;
      return { ...v, checked_at: new Date().toISOString(), label: { ...v.label, scans: state.scans[code] } };
    };
    const one = /^\/api\/v1\/verify\/([0-9]+)$/.exec(p);
    if (req.method === 'GET' && one) {
      const v = verdict(one[1]);
      return v ? json(200, v) : problem(res, 400, 'malformed label code');
    }
    if (req.method === 'POST' && p === '/api/v1/verify') {
      if (req.headers.authorization !== `Bearer ${fx.retailerKey}`) return problem(res, 401, 'missing or unknown API key');
      let doc;
      try {
        doc = JSON.parse(body);
      } catch {
        return problem(res, 400, 'the body is not JSON');
      }
      if (!Array.isArray(doc.codes)) return problem(res, 422, 'codes: expected an array');
      if (doc.codes.length > 1000) return problem(res, 413, 'at most 1000 codes');
      const results = doc.codes.map((c) => verdict(codeOf(c)) ?? { status: 'malformed', reason: 'bad_length' });
      return json(200, { results });
    }
    problem(res, 404, 'no such route');
  }

  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({
        url: `http://127.0.0.1:${bound}`,
        state,
        close: () =>
          new Promise((r) => {
            server.close(r);
            server.closeAllConnections();
          }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const s = await startServer({ fixturesDir: process.argv[2], port: i > 0 ? Number(process.argv[i + 1]) : 8099 });
  console.log(`listening ${s.url}/scan`);
}
