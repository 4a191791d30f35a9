// Writes tests/vectors/status-v1.json: the status-list vectors of docs/status-list.md.
// Deterministic: fixed seeds, fixed times, Ed25519 is deterministic, so a rerun gives the same
// bytes (`node gen/vectors.js --check` fails if the committed file differs).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { noteKey, jwk, digest, snapshotText, latestText, deltaText } from './notes.js';

const OUT = fileURLToPath(new URL('../../vectors/status-v1.json', import.meta.url));
const NAME = 'tasdiq.example/status';
const seed = (byte) => new Uint8Array(32).fill(byte);

const e = (kind, id, status, reason, since) => ({ kind, id, status, reason, since });
const V1 = {
  version: 1,
  created: '2026-11-28T09:00:00Z',
  entries: [
    e('cert', '9876543210987654321', 'suspended', 'member_suspended', '2026-11-26T14:00:00Z'),
    e('key', '1a2b3c4d', 'compromised', 'key_compromised', '2026-11-27T00:00:00Z'),
    e('cert', '42', 'revoked', 'certificate_revoked', '2026-11-25T09:30:00Z'),
    e('brand', '40', 'suspended', 'brand_suspended', '2026-11-20T08:00:00Z'),
    e('cert', '18446744073709551615', 'revoked', 'member_withdrawn', '2026-11-27T16:45:00Z'),
  ],
};
const V2 = {
  version: 2,
  created: '2026-11-29T10:00:00Z',
  entries: [
    e('brand', '7', 'withdrawn', 'brand_withdrawn', '2026-11-29T09:40:00Z'),
    e('cert', '42', 'revoked', 'certificate_revoked', '2026-11-25T09:30:00Z'),
    e('cert', '1000', 'revoked', 'certificate_revoked', '2026-11-29T09:59:00Z'),
    e('cert', '123456789', 'suspended', 'member_suspended', '2026-11-29T09:50:00Z'),
    e('cert', '9876543210987654321', 'revoked', 'certificate_revoked', '2026-11-29T09:58:00Z'),
    e('cert', '18446744073709551615', 'revoked', 'member_withdrawn', '2026-11-27T16:45:00Z'),
    e('key', '1a2b3c4d', 'compromised', 'key_compromised', '2026-11-27T00:00:00Z'),
  ],
};
const LATEST = [
  { version: 1, asOf: '2026-11-29T09:00:00Z', freshUntil: '2026-12-06T09:00:00Z' },
  { version: 2, asOf: '2026-11-29T11:00:00Z', freshUntil: '2026-12-06T11:00:00Z' },
];

/** Replaces the first occurrence of `a` by `b`, failing loudly if `a` is absent. */
function swap(text, a, b) {
  if (!text.includes(a)) throw new Error(`vector source lacks ${a}`);
  return text.replace(a, b);
}

/** Swaps the two lines that start with `a` and `b`. */
function reorder(text, a, b) {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(a));
  const j = lines.findIndex((l) => l.startsWith(b));
  if (i < 0 || j < 0) throw new Error(`vector source lacks ${a} or ${b}`);
  [lines[i], lines[j]] = [lines[j], lines[i]];
  return lines.join('\n');
}

async function main() {
  const key = await noteKey(NAME, seed(0x07));
  const stranger = await noteKey(NAME, seed(0x08)); // same name, other key: another key ID
  const witness = await noteKey('witness.example/w1', seed(0x09));
  const origin = NAME;

  const snapshots = [];
  for (const s of [V1, V2]) {
    const text = snapshotText(origin, s);
    snapshots.push({ version: s.version, created: s.created, entries: s.entries, text, digest: digest(text), note: await key.sign(text) });
  }
  const latest = [];
  for (const l of LATEST) {
    const d = snapshots[l.version - 1].digest;
    const text = latestText(origin, { ...l, digest: d });
    latest.push({ version: l.version, digest: d, as_of: l.asOf, fresh_until: l.freshUntil, text, note: await key.sign(text) });
  }
  const deltas = [];
  for (const [a, b] of [[V1, V2], [V2, V2]]) {
    const text = deltaText(origin, a, b);
    deltas.push({ since: a.version, to: b.version, text, note: await key.sign(text) });
  }

  const s1 = snapshots[0].text;
  const s2 = snapshots[1].text;
  const d12 = deltas[0].text;
  const signed = async (kind, why, text, extra = {}) => ({ kind, why, ...extra, note: await key.sign(text) });
  const invalid = [
    await signed('snapshot', 'entries not in canonical order (cert 1000 sorted as text before cert 42)', reorder(s2, 'cert 42 ', 'cert 1000 ')),
    await signed('snapshot', 'count does not match the entry lines', swap(s1, 'count 5', 'count 4')),
    await signed('snapshot', 'a number with a leading zero', swap(s1, 'cert 42 ', 'cert 042 ')),
    await signed('snapshot', 'two lines for one certificate', swap(snapshotText(origin, { ...V1, entries: [...V1.entries, e('cert', '43', 'revoked', 'certificate_revoked', '2026-11-25T09:30:00Z')] }), 'cert 43 ', 'cert 42 ')),
    await signed('snapshot', 'a time with fractional seconds', swap(s1, '2026-11-25T09:30:00Z', '2026-11-25T09:30:00.000Z')),
    await signed('snapshot', 'a status word the kind does not have (brands are withdrawn, not revoked)', swap(s1, 'brand 40 suspended', 'brand 40 revoked')),
    await signed('snapshot', 'a reason that is not a machine word', swap(s1, 'certificate_revoked', 'Certificate-Revoked')),
    await signed('snapshot', 'an unknown line', swap(s1, 'count 5\n', 'count 5\nnote hello\n')),
    await signed('snapshot', 'a trailing space', swap(s1, 'version 1\n', 'version 1 \n')),
    await signed('snapshot', 'the first line names another origin than the key', swap(s1, `${origin}/v1 snapshot`, 'other.example/status/v1 snapshot')),
    await signed('snapshot', 'version 0', swap(s1, 'version 1\n', 'version 0\n')),
    { kind: 'snapshot', why: 'text changed after signing (bad signature from the known key)', note: swap(snapshots[0].note, 'cert 42 ', 'cert 43 ') },
    { kind: 'snapshot', why: 'signed only by an unknown key with the same name', note: await stranger.sign(s1) },
    await signed('latest', 'fresh_until before as_of', latestText(origin, { version: 2, digest: snapshots[1].digest, asOf: '2026-11-29T11:00:00Z', freshUntil: '2026-11-29T10:00:00Z' })),
    await signed('latest', 'a digest that is not 32 bytes of base64', latestText(origin, { version: 2, digest: 'AAAA', asOf: '2026-11-29T11:00:00Z', freshUntil: '2026-12-06T11:00:00Z' })),
    await signed('delta', 'applying it does not give the target digest (a + line is missing)', swap(d12, `+ cert 1000 revoked certificate_revoked 2026-11-29T09:59:00Z\n`, ''), { base: 1 }),
    await signed('delta', 'a - line that is not in the base', swap(d12, '- brand 40 suspended brand_suspended 2026-11-20T08:00:00Z', '- brand 41 suspended brand_suspended 2026-11-20T08:00:00Z'), { base: 1 }),
    await signed('delta', 'the from digest is not the base snapshot\'s', swap(d12, `from 1 ${snapshots[0].digest}`, `from 1 ${snapshots[1].digest}`), { base: 1 }),
    await signed('delta', 'change lines out of order (+ before - for the same certificate)', swap(d12, '- cert 9876543210987654321 suspended member_suspended 2026-11-26T14:00:00Z\n+ cert 9876543210987654321 revoked certificate_revoked 2026-11-29T09:58:00Z\n', '+ cert 9876543210987654321 revoked certificate_revoked 2026-11-29T09:58:00Z\n- cert 9876543210987654321 suspended member_suspended 2026-11-26T14:00:00Z\n'), { base: 1 }),
  ];
  // A note with one more signature from a key the verifier does not know: it must still verify.
  const sigLines = (note, text) => note.slice(text.length + 1);
  const cosigned = `${s2}\n${sigLines(await witness.sign(s2), s2)}${sigLines(snapshots[1].note, s2)}`;
  const valid = [{ kind: 'snapshot', why: 'an extra signature from an unknown key is ignored', version: 2, note: cosigned }];

  const k = (kid, over = {}) => ({ certificate: '5', item: 3, brand: 12, kid, expires_on: '2028-11-01', ...over });
  const decisions = [
    { why: 'not listed', label: k('aabbccdd'), now: '2026-11-30T12:00:00Z', expect: ['authentic', 'valid'] },
    { why: 'certificate revoked', label: k('aabbccdd', { certificate: '42' }), now: '2026-11-30T12:00:00Z', expect: ['revoked', 'certificate_revoked'] },
    { why: 'member withdrawn, at u64 max', label: k('aabbccdd', { certificate: '18446744073709551615' }), now: '2026-11-30T12:00:00Z', expect: ['revoked', 'member_withdrawn'] },
    { why: 'member suspended', label: k('aabbccdd', { certificate: '123456789' }), now: '2026-11-30T12:00:00Z', expect: ['suspended', 'member_suspended'] },
    { why: 'brand withdrawn', label: k('aabbccdd', { brand: 7 }), now: '2026-11-30T12:00:00Z', expect: ['revoked', 'brand_withdrawn'] },
    { why: 'brand line beats a member line, as online', label: k('aabbccdd', { brand: 7, certificate: '123456789' }), now: '2026-11-30T12:00:00Z', expect: ['revoked', 'brand_withdrawn'] },
    { why: 'brand 40 reinstated in version 2', label: k('aabbccdd', { brand: 40 }), now: '2026-11-30T12:00:00Z', expect: ['authentic', 'valid'] },
    { why: 'key listed compromised', label: k('1a2b3c4d'), now: '2026-11-30T12:00:00Z', expect: ['unknown', 'key_compromised'] },
    { why: 'a revoked certificate line beats the key line', label: k('1a2b3c4d', { certificate: '1000' }), now: '2026-11-30T12:00:00Z', expect: ['revoked', 'certificate_revoked'] },
    { why: 'key compromised in keys.json only', label: k('aabbccdd'), key_status: 'compromised', now: '2026-11-30T12:00:00Z', expect: ['unknown', 'key_compromised'] },
    { why: 'expired', label: k('aabbccdd', { expires_on: '2026-11-01' }), now: '2026-11-30T12:00:00Z', expect: ['expired', 'expired'] },
    { why: 'revoked beats expired', label: k('aabbccdd', { certificate: '42', expires_on: '2026-11-01' }), now: '2026-11-30T12:00:00Z', expect: ['revoked', 'certificate_revoked'] },
    { why: 'last second of fresh_until', label: k('aabbccdd'), now: '2026-12-06T11:00:00Z', expect: ['authentic', 'valid'] },
    { why: 'one second past fresh_until', label: k('aabbccdd'), now: '2026-12-06T11:00:01Z', expect: ['unknown', 'status_stale'] },
    { why: 'past a max age of 1 day', label: k('aabbccdd'), now: '2026-11-30T11:00:01Z', max_age_seconds: 86400, expect: ['unknown', 'status_stale'] },
    { why: 'a listed status still decides when the list is stale', label: k('aabbccdd', { certificate: '42' }), now: '2027-01-01T00:00:00Z', expect: ['revoked', 'certificate_revoked'] },
    { why: 'expired still decides when the list is stale', label: k('aabbccdd', { expires_on: '2026-11-01' }), now: '2027-01-01T00:00:00Z', expect: ['expired', 'expired'] },
    { why: 'no list at all', label: k('aabbccdd'), now: '2026-11-30T12:00:00Z', list: false, expect: ['authentic', 'valid'], warnings: ['status_unchecked'] },
  ];

  const out = {
    description: 'tasdiq signed status list, version 1 (docs/status-list.md). Made by tests/scan/gen/vectors.js.',
    key: {
      name: NAME,
      seed: Buffer.from(key.seed).toString('hex'),
      public_key: Buffer.from(key.pub).toString('hex'),
      key_id: key.keyId,
      vkey: key.vkey,
      jwk: jwk(key.pub, { purpose: 'status', created: '2026-11-01T00:00:00Z', vkey: key.vkey }),
    },
    snapshots,
    latest,
    deltas,
    valid,
    invalid,
    decisions: { snapshot: 2, latest: 2, max_age_seconds: 604800, cases: decisions },
  };
  const json = `${JSON.stringify(out, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (readFileSync(OUT, 'utf8') !== json) {
      console.error(`${OUT} differs from what gen/vectors.js makes`);
      process.exit(1);
    }
    console.log('status-v1.json is current');
  } else {
    writeFileSync(OUT, json);
    console.log(`wrote ${OUT}`);
  }
}

await main();
