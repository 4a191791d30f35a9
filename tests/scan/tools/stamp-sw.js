// Stamps src/http/scan/sw.js with a digest of the app shell it caches, so that any change to a
// shell file changes the service worker and browsers install the new shell in one piece.
// `node tools/stamp-sw.js --check` fails if the stamp is not current.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { appFile } from '../server.js';

export function shellOf(sw) {
  const m = /const SHELL = \[([^\]]*)\]/.exec(sw);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
}

export function stamp(sw) {
  const h = createHash('sha256');
  for (const url of shellOf(sw)) {
    h.update(`${url}\n`);
    h.update(readFileSync(appFile(url)));
  }
  return h.digest('hex').slice(0, 16);
}

if (process.argv[1] && process.argv[1].endsWith('stamp-sw.js')) {
  const path = appFile('/scan/sw.js');
  const sw = readFileSync(path, 'utf8');
  const want = stamp(sw);
  const next = sw.replace(/const VERSION = '[^']*';/, `const VERSION = '${want}';`);
  if (process.argv.includes('--check')) {
    if (next !== sw) {
      console.error('sw.js VERSION is stale: run node tools/stamp-sw.js');
      process.exit(1);
    }
  } else {
    writeFileSync(path, next);
    console.log(`sw.js VERSION ${want}`);
  }
}
