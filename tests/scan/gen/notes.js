// The generator's own writer of tasdiq status notes (docs/status-list.md) and label codes
// (contract §2). It is deliberately separate from the app's reader in src/http/scan/: the
// vectors and fixtures are written here and read there, so each side checks the other, and the
// Rust implementation written later must reproduce these bytes.
import { createHash } from 'node:crypto';
import * as ed from '@noble/ed25519';

const enc = new TextEncoder();
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

/** A note key (c2sp.org/signed-note, Ed25519, type 0x01) from a 32-byte seed. */
export async function noteKey(name, seed) {
  const pub = await ed.getPublicKeyAsync(seed);
  const id = sha256(Buffer.concat([enc.encode(name), Buffer.from([0x0a, 0x01]), pub])).subarray(0, 4);
  return {
    name,
    seed,
    pub,
    keyId: hex(id),
    vkey: `${name}+${hex(id)}+${b64(Buffer.concat([Buffer.from([0x01]), pub]))}`,
    async sign(text) {
      const sig = await ed.signAsync(enc.encode(text), seed);
      return `${text}\n— ${name} ${b64(Buffer.concat([id, sig]))}\n`;
    },
  };
}

/** The keys.json entry of a key, label rule kid (SHA-256(pub)[:4]), as contract §3 has it. */
export function jwk(pub, { purpose, status = 'active', created, compromisedSince, org = 'operator', vkey }) {
  const out = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: Buffer.from(pub).toString('base64url'),
    kid: hex(sha256(pub).subarray(0, 4)),
    alg: 'EdDSA',
    use: 'sig',
    status,
    created,
  };
  if (compromisedSince) out.compromised_since = compromisedSince;
  out.purpose = purpose;
  out.org = org;
  if (vkey) out.vkey = vkey;
  return out;
}

/** SHA-256 of a snapshot text, base64: the digest every `latest` and delta note names. */
export const digest = (text) => b64(sha256(enc.encode(text)));

const KINDS = ['brand', 'cert', 'key'];

/** The sort key of an entry: kind, then number (numerically) or kid. */
function order(a, b) {
  const k = KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind);
  if (k !== 0) return k;
  if (a.kind === 'key') return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

const line = (e) => `${e.kind} ${e.id} ${e.status} ${e.reason} ${e.since}`;

/** A snapshot body: header lines, then one line per entry in canonical order. */
export function snapshotText(origin, { version, created, entries }) {
  const sorted = [...entries].sort(order);
  const head = [`${origin}/v1 snapshot`, `version ${version}`, `created ${created}`, `count ${sorted.length}`];
  return [...head, ...sorted.map(line)].map((l) => `${l}\n`).join('');
}

/** A `latest` body naming a snapshot and the freshness window the server vouches for. */
export function latestText(origin, { version, digest: d, asOf, freshUntil }) {
  return `${origin}/v1 latest\nversion ${version}\ndigest ${d}\nas_of ${asOf}\nfresh_until ${freshUntil}\n`;
}

/** A delta body from one snapshot to another: a pure function of the two bodies' entries. */
export function deltaText(origin, from, to) {
  const key = (e) => `${e.kind} ${e.id}`;
  const before = new Map(from.entries.map((e) => [key(e), e]));
  const after = new Map(to.entries.map((e) => [key(e), e]));
  const changes = [];
  for (const [k, e] of before) {
    const now = after.get(k);
    if (!now || line(now) !== line(e)) changes.push({ e, sign: '-' });
  }
  for (const [k, e] of after) {
    const was = before.get(k);
    if (!was || line(was) !== line(e)) changes.push({ e, sign: '+' });
  }
  changes.sort((a, b) => order(a.e, b.e) || (a.sign === b.sign ? 0 : a.sign === '-' ? -1 : 1));
  const toText = snapshotText(origin, to);
  const header = toText.split('\n').slice(1, 4);
  return [
    `${origin}/v1 delta`,
    `from ${from.version} ${digest(snapshotText(origin, from))}`,
    `to ${to.version} ${digest(toText)}`,
    ...header.map((l) => `= ${l}`),
    ...changes.map((c) => `${c.sign} ${line(c.e)}`),
  ]
    .map((l) => `${l}\n`)
    .join('');
}

/** RFC 3339 UTC to the second, the one time format of the notes. */
export const time = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---- label codes (contract §2) ----

const GROUP_DIGITS = [0, 3, 5, 8, 10, 13, 15, 17];

/** The 207-digit text form of 85 label bytes. */
export function toDigits(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 7) {
    const group = bytes.subarray(i, i + 7);
    let v = 0n;
    for (const b of group) v = (v << 8n) | BigInt(b);
    out += v.toString().padStart(GROUP_DIGITS[group.length], '0');
  }
  return out;
}

/** Signs a label and returns its code. `expiresOn` is YYYY-MM-DD. */
export async function labelCode(seed, { certificate, item, brand, expiresOn }) {
  const pub = await ed.getPublicKeyAsync(seed);
  const header = Buffer.alloc(21);
  header[0] = 1;
  sha256(pub).copy(header, 1, 0, 4);
  header.writeBigUInt64BE(BigInt(certificate), 5);
  header.writeUInt32BE(item, 13);
  header.writeUInt16BE(brand, 17);
  const days = (Date.parse(`${expiresOn}T00:00:00Z`) - Date.parse('2000-01-01T00:00:00Z')) / 86400000;
  header.writeUInt16BE(days, 19);
  const msg = Buffer.concat([Buffer.from('tasdiq-label-v1'), header]);
  const sig = await ed.signAsync(msg, seed);
  return toDigits(Buffer.concat([header, Buffer.from(sig)]));
}

/**
 * Changes one digit of a code so that it still decodes (no group overflow): the label then
 * reads fine but its signature fails, which is what a counterfeit looks like.
 */
export function tamper(code, position = 150) {
  for (let p = position; p < code.length; p++) {
    const d = Number(code[p]);
    const changed = code.slice(0, p) + String((d + 1) % 10) + code.slice(p + 1);
    const g = Math.floor(p / 17);
    const width = g < 12 ? 17 : 3;
    const bytes = g < 12 ? 7 : 1;
    const value = BigInt(changed.slice(g * 17, g * 17 + width));
    if (value < 1n << BigInt(8 * bytes)) return changed;
  }
  throw new Error('no digit to change');
}
