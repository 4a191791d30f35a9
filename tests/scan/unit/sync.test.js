// The app's sync (src/http/scan/sync.js) against a fetch that serves the vector notes: the
// delta path, the fallback to the full snapshot, and what it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { syncStatus, readKeySet, heldList } from '../../../src/http/scan/sync.js';
import { parseVkey } from '../../../src/http/scan/note.js';

const V = JSON.parse(readFileSync(new URL('../../vectors/status-v1.json', import.meta.url), 'utf8'));
const ORIGIN = V.key.name;
const NOW = Date.parse('2026-11-29T12:00:00Z');

/** A fetch over a table of paths; every request is recorded. */
function server(routes) {
  const asked = [];
  const fetchFn = async (url) => {
    asked.push(url);
    const body = routes[url];
    if (body === undefined) return new Response('', { status: 404 });
    if (typeof body === 'number') return new Response('', { status: body });
    return new Response(body, { status: 200 });
  };
  return { fetchFn, asked };
}

const LATEST = '/.well-known/tasdiq/status/latest';
const held1 = { snapshot: V.snapshots[0].text, latest: V.latest[0].text, origin: ORIGIN };
const keys = async () => [await parseVkey(V.key.vkey)];

test('from version 1, a delta brings version 2 byte for byte', async () => {
  const { fetchFn, asked } = server({ [LATEST]: V.latest[1].note, '/.well-known/tasdiq/status/delta?since=1': V.deltas[0].note });
  const { state, via } = await syncStatus(fetchFn, await keys(), held1, NOW);
  assert.equal(via, 'delta');
  assert.equal(state.snapshot, V.snapshots[1].text);
  assert.ok(!asked.includes('/.well-known/tasdiq/status/2'));
  const list = heldList(state);
  assert.equal(list.version, 2);
  assert.equal(list.entries.get('cert 1000').status, 'revoked');
});

test('a delta that is gone (410) falls back to the full snapshot', async () => {
  const { fetchFn } = server({ [LATEST]: V.latest[1].note, '/.well-known/tasdiq/status/delta?since=1': 410, '/.well-known/tasdiq/status/2': V.snapshots[1].note });
  const { state, via } = await syncStatus(fetchFn, await keys(), held1, NOW);
  assert.equal(via, 'full');
  assert.equal(state.snapshot, V.snapshots[1].text);
});

test('a first sync takes the full snapshot', async () => {
  const { fetchFn } = server({ [LATEST]: V.latest[0].note, '/.well-known/tasdiq/status/1': V.snapshots[0].note });
  const { state, via } = await syncStatus(fetchFn, await keys(), null, NOW);
  assert.equal(via, 'full');
  assert.equal(state.snapshot, V.snapshots[0].text);
});

test('refused: an older version, a future as_of, a snapshot that does not match latest', async () => {
  const held2 = { snapshot: V.snapshots[1].text, latest: V.latest[1].text, origin: ORIGIN };
  const rollback = server({ [LATEST]: V.latest[0].note });
  await assert.rejects(syncStatus(rollback.fetchFn, await keys(), held2, NOW), /rollback/);
  const early = server({ [LATEST]: V.latest[1].note });
  await assert.rejects(syncStatus(early.fetchFn, await keys(), held1, Date.parse('2026-11-29T10:00:00Z')), /future/);
  const mismatch = server({ [LATEST]: V.latest[1].note, '/.well-known/tasdiq/status/2': V.snapshots[0].note });
  await assert.rejects(syncStatus(mismatch.fetchFn, await keys(), null, NOW));
  const tampered = server({ [LATEST]: V.latest[1].note.replace('version 2', 'version 3') });
  await assert.rejects(syncStatus(tampered.fetchFn, await keys(), held1, NOW), /bad signature/);
});

test('the same version again renews freshness; an older re-signing of it changes nothing', async () => {
  const held = { snapshot: V.snapshots[0].text, latest: V.latest[0].text, origin: ORIGIN };
  const same = server({ [LATEST]: V.latest[0].note });
  const r = await syncStatus(same.fetchFn, await keys(), held, NOW);
  assert.equal(r.via, 'same');
  assert.deepEqual(same.asked, [LATEST], 'nothing else fetched');
});

test('keys.json: label keys by kid, status keys by vkey; mismatched entries are skipped', async () => {
  const label = { kty: 'OKP', crv: 'Ed25519', x: 'iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w', kid: '34750f98', status: 'active' };
  const doc = {
    keys: [
      label,
      { ...label, kid: '00000000' },
      V.key.jwk,
      { ...V.key.jwk, x: label.x },
      { ...V.key.jwk, status: 'compromised' },
    ],
  };
  const set = await readKeySet(JSON.stringify(doc));
  assert.deepEqual([...set.labelKeys.keys()], ['34750f98']);
  assert.equal(set.statusKeys.length, 1);
  assert.equal(set.statusKeys[0].name, ORIGIN);
});
