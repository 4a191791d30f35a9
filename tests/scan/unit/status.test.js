// The app's readers (src/http/scan/) against the published vectors and the C2SP example:
// signed notes, status bodies, deltas, the offline decision, and label codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseVkey, openNote } from '../../../src/http/scan/note.js';
import { parseSnapshot, parseLatest, parseDelta, applyDelta, digestOf } from '../../../src/http/scan/status.js';
import { decideOffline } from '../../../src/http/scan/verdict.js';
import { parseLabel, extractCode } from '../../../src/http/scan/label.js';
import { verifyEd25519 } from '../../../src/http/scan/crypto.js';

const read = (p) => JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8'));
const V = read('../../vectors/status-v1.json');
const LABELS = read('../../vectors/label-v1.json');
const ORIGIN = V.key.name;

test('the C2SP signed-note example verifies with its vkey, and not once altered', async () => {
  const vkey = await parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
  const note = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
  assert.equal((await openNote(note, [vkey])).text, 'This is an example message.\n');
  await assert.rejects(openNote(note.replace('example message', 'exemple message'), [vkey]));
});

test('a vkey whose ID is not the recommended one is refused', async () => {
  await assert.rejects(parseVkey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'));
  await assert.rejects(parseVkey(V.key.vkey.replace('tasdiq.example/status', 'tasdiq.example/statu')));
});

test('the vector key: vkey, key ID and JWK agree', async () => {
  const k = await parseVkey(V.key.vkey);
  assert.equal(k.name, ORIGIN);
  assert.equal(k.id, V.key.key_id);
  assert.equal(Buffer.from(k.pub).toString('hex'), V.key.public_key);
  assert.equal(Buffer.from(V.key.jwk.x, 'base64url').toString('hex'), V.key.public_key);
  assert.equal(V.key.jwk.purpose, 'status');
  assert.equal(V.key.jwk.vkey, V.key.vkey);
});

test('snapshots, latest notes and deltas open, parse and apply to the published digests', async () => {
  const keys = [await parseVkey(V.key.vkey)];
  const bodies = [];
  for (const s of V.snapshots) {
    const { text } = await openNote(s.note, keys);
    assert.equal(text, s.text);
    const snap = parseSnapshot(text, ORIGIN);
    assert.equal(snap.version, s.version);
    assert.equal(snap.count, s.entries.length);
    assert.equal(await digestOf(text), s.digest);
    bodies[s.version] = { text, snap };
  }
  for (const l of V.latest) {
    const latest = parseLatest((await openNote(l.note, keys)).text, ORIGIN);
    assert.equal(latest.version, l.version);
    assert.equal(latest.digest, bodies[l.version] && (await digestOf(bodies[l.version].text)));
    assert.equal(latest.asOf, Date.parse(l.as_of));
  }
  for (const d of V.deltas) {
    const delta = parseDelta((await openNote(d.note, keys)).text, ORIGIN);
    const base = bodies[d.since];
    const out = await applyDelta(ORIGIN, base.text, base.snap, delta);
    assert.equal(out.text, bodies[d.to].text, `delta ${d.since}→${d.to} rebuilds the target byte for byte`);
  }
  for (const x of V.valid) {
    assert.equal((await openNote(x.note, keys)).text, bodies[x.version].text, x.why);
  }
});

test('every invalid vector is refused', async () => {
  const keys = [await parseVkey(V.key.vkey)];
  const v1 = V.snapshots[0];
  const base = { text: v1.text, snap: parseSnapshot(v1.text, ORIGIN) };
  for (const x of V.invalid) {
    const attempt = async () => {
      const { text } = await openNote(x.note, keys);
      if (x.kind === 'snapshot') parseSnapshot(text, ORIGIN);
      if (x.kind === 'latest') parseLatest(text, ORIGIN);
      if (x.kind === 'delta') await applyDelta(ORIGIN, base.text, base.snap, parseDelta(text, ORIGIN));
    };
    await assert.rejects(attempt, `accepted: ${x.why}`);
  }
});

test('the offline decision table', async () => {
  const d = V.decisions;
  const snap = parseSnapshot(V.snapshots[d.snapshot - 1].text, ORIGIN);
  const l = V.latest[d.latest - 1];
  const latest = { asOf: Date.parse(l.as_of), freshUntil: Date.parse(l.fresh_until) };
  for (const c of d.cases) {
    const label = { kid: c.label.kid, certificate: c.label.certificate, brand: c.label.brand, expiresOn: c.label.expires_on };
    const got = decideOffline({
      label,
      key: { status: c.key_status ?? 'active' },
      signatureOk: true,
      list: c.list === false ? null : { entries: snap.entries, latest },
      now: Date.parse(c.now),
      maxAgeMs: (c.max_age_seconds ?? d.max_age_seconds) * 1000,
    });
    assert.deepEqual([got.status, got.reason], c.expect, c.why);
    assert.deepEqual(got.warnings, c.warnings ?? [], c.why);
  }
});

test('label vectors: valid codes parse and verify, invalid ones do not', async () => {
  for (const e of LABELS) {
    if (e.valid) {
      const l = parseLabel(e.code);
      assert.equal(l.kid, e.kid);
      assert.equal(l.certificate, e.certificate);
      assert.equal(l.item, e.item);
      assert.equal(l.brand, e.brand);
      assert.equal(l.expiresOn, e.expires_on);
      assert.ok(await verifyEd25519(Buffer.from(e.public_key, 'hex'), l.message, l.signature));
    } else {
      let ok = false;
      try {
        const l = parseLabel(e.code);
        const key = LABELS.find((k) => k.valid && k.kid === l.kid);
        ok = key ? await verifyEd25519(Buffer.from(key.public_key, 'hex'), l.message, l.signature) : false;
      } catch {
        ok = false;
      }
      assert.equal(ok, false, e.why);
    }
  }
});

test('codes are found in label URLs and pasted text', () => {
  const code = LABELS[0].code;
  assert.equal(extractCode(`https://tasdiq.example/v/${code}`), code);
  assert.equal(extractCode(`https://tasdiq.example/V/${code}?lang=ar`), code);
  assert.equal(extractCode(`  ${code.slice(0, 100)}\n${code.slice(100)} `), code);
  assert.equal(extractCode('0ABC-DEF1-2345-6789-XY'), null);
  assert.equal(extractCode('https://tasdiq.example/brands'), null);
});

test('a vkey whose base64 key holds "+" is read (split at the first two "+" only)', async () => {
  const { noteKey } = await import('../gen/notes.js');
  let key = null;
  for (let i = 1; i < 256 && !key; i++) {
    const k = await noteKey('127.0.0.1:8080/status', new Uint8Array(32).fill(i));
    if (k.vkey.split('+').length > 3) key = k;
  }
  assert.ok(key, 'a seed whose vkey has a "+" in its key');
  const v = await parseVkey(key.vkey);
  assert.deepEqual([v.name, v.id], [key.name, key.keyId]);
  const note = await key.sign('tasdiq test\n');
  assert.equal((await openNote(note, [v])).text, 'tasdiq test\n');
});
