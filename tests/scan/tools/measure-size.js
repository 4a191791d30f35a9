// Size of a snapshot with n random certificate lines (text and gzip -9) and the time the app
// takes to parse it: `node tools/measure-size.js`. Figures in docs/status-list.md §6.
import { snapshotText, time } from '../gen/notes.js';
import { parseSnapshot } from '../../../src/http/scan/status.js';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
for (const n of [1000, 10000, 100000]) {
  const entries = [];
  for (let i = 0; i < n; i++) entries.push({ kind: 'cert', id: randomBytes(8).readBigUInt64BE().toString(), status: i % 5 ? 'revoked' : 'suspended', reason: i % 5 ? 'certificate_revoked' : 'member_suspended', since: time(Date.parse('2026-01-01T00:00:00Z') + Math.floor(Math.random() * 3e10 / 1000) * 1000) });
  const text = snapshotText('tasdiq.ma/status', { version: 1842, created: '2026-11-29T10:00:00Z', entries });
  const t0 = performance.now(); parseSnapshot(text, 'tasdiq.ma/status'); const t1 = performance.now();
  console.log(n, 'entries:', text.length, 'bytes,', gzipSync(text, { level: 9 }).length, 'gzip -9, parse', (t1 - t0).toFixed(0), 'ms');
}
