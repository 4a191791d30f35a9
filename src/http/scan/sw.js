// The scanner app's service worker: keeps the app shell so that /scan opens with no network after
// one visit. Shell files are served from the cache of this VERSION; any other request (keys,
// status list, API) goes to the network untouched, because the page keeps the checked key set and
// status list in IndexedDB itself. The server sends this file with `Service-Worker-Allowed: /scan`
// so that its scope covers /scan itself, not only /scan/…
// VERSION is a digest of the shell files (tests/scan/tools/stamp-sw.js): any change to the app
// changes this file, so browsers install the new shell in one piece.
const VERSION = '5741f0dde7570657';
const CACHE = `tasdiq-scan-${VERSION}`;
const SHELL = [
  '/scan',
  '/scan/app.css',
  '/scan/app.js',
  '/scan/crypto.js',
  '/scan/label.js',
  '/scan/messages.js',
  '/scan/note.js',
  '/scan/retail.js',
  '/scan/scanner.js',
  '/scan/status.js',
  '/scan/store.js',
  '/scan/sync.js',
  '/scan/verdict.js',
  '/scan/manifest.webmanifest',
  '/scan/icon-192.png',
  '/scan/icon-512.png',
  '/scan/tifinagh.ttf',
  '/scan/vendor/jsqr.js',
  '/scan/vendor/noble-ed25519.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL.map((u) => new Request(u, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('tasdiq-scan-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  // The page itself, whatever its query (?lang=ar) or a trailing slash.
  const path = url.pathname === '/scan/' ? '/scan' : url.pathname;
  if (!SHELL.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(path);
      return hit ?? fetch(req);
    }),
  );
});
