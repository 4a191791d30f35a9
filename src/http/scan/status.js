// The signed status list (docs/status-list.md): the bodies of the snapshot, `latest` and delta
// notes, read strictly, and a delta applied to rebuild the target snapshot byte for byte.
// Pure apart from SHA-256, so node tests run it against tests/vectors/status-v1.json.
import { sha256, toBase64 } from './crypto.js';

const KINDS = ['brand', 'cert', 'key'];
const STATUSES = { brand: ['suspended', 'withdrawn'], cert: ['revoked', 'suspended'], key: ['compromised'] };
const NUMBER = /^(?:0|[1-9][0-9]*)$/;
const REASON = /^[a-z][a-z0-9_]{0,39}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DIGEST = /^[A-Za-z0-9+/]{43}=$/;
const MAX_LINE = 256;
const U64_MAX = (1n << 64n) - 1n;

export class StatusError extends Error {}

function fail(why) {
  throw new StatusError(why);
}

/** RFC 3339 UTC to the second (`2026-11-29T10:00:00Z`), as milliseconds since the epoch. */
export function parseTime(s) {
  if (!TIME.test(s)) fail(`bad time ${s}`);
  const ms = Date.parse(s);
  // Date.parse rolls 2026-02-30 over to March: a time must print back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== s.replace('Z', '.000Z')) fail(`bad time ${s}`);
  return ms;
}

function parseNumber(s, max) {
  if (!NUMBER.test(s) || s.length > 20) fail(`bad number ${s}`);
  const n = BigInt(s);
  if (n > max) fail(`number out of range ${s}`);
  return n;
}

/** A version: 1 ≤ v ≤ 2^53 − 1, so that a JavaScript number holds it exactly. */
function parseVersion(s) {
  const v = parseNumber(s, BigInt(Number.MAX_SAFE_INTEGER));
  if (v < 1n) fail('version 0');
  return Number(v);
}

function splitLines(text) {
  if (!/^[\x20-\x7e\n]*$/.test(text)) fail('a status body is printable ASCII');
  if (!text.endsWith('\n')) fail('body does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  for (const l of lines) if (l.length > MAX_LINE) fail('line too long');
  return lines;
}

function field(line, name) {
  const prefix = `${name} `;
  if (!line?.startsWith(prefix)) fail(`expected a ${name} line`);
  return line.slice(prefix.length);
}

function firstLine(line, origin, kind) {
  if (line !== `${origin}/v1 ${kind}`) fail(`first line is not "${origin}/v1 ${kind}"`);
}

/** One entry line: `{kind} {id} {status} {reason} {since}`. */
export function parseEntry(line) {
  const parts = line.split(' ');
  if (parts.length !== 5) fail(`bad entry line ${line}`);
  const [kind, id, status, reason, since] = parts;
  if (!KINDS.includes(kind)) fail(`unknown entry kind ${kind}`);
  let order;
  if (kind === 'key') {
    if (!/^[0-9a-f]{8}$/.test(id)) fail(`bad kid ${id}`);
    order = BigInt(`0x${id}`);
  } else {
    order = parseNumber(id, kind === 'brand' ? 65535n : U64_MAX);
  }
  if (!STATUSES[kind].includes(status)) fail(`${kind} cannot be ${status}`);
  if (!REASON.test(reason)) fail(`bad reason ${reason}`);
  parseTime(since);
  return { kind, id, status, reason, since, line, order, key: `${kind} ${id}` };
}

/** Canonical order of entries: kind (brand, cert, key), then number or kid, numerically. */
export function compareEntries(a, b) {
  const k = KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind);
  if (k) return k;
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

/** Reads a snapshot body; `origin` is the status key's name. */
export function parseSnapshot(text, origin) {
  const lines = splitLines(text);
  firstLine(lines[0], origin, 'snapshot');
  const version = parseVersion(field(lines[1], 'version'));
  const created = parseTime(field(lines[2], 'created'));
  const count = Number(parseNumber(field(lines[3], 'count'), 10_000_000n));
  const entries = new Map();
  let last = null;
  for (const l of lines.slice(4)) {
    const e = parseEntry(l);
    if (last && compareEntries(last, e) >= 0) fail(`entries out of canonical order at ${l}`);
    entries.set(e.key, e);
    last = e;
  }
  if (entries.size !== count) fail(`count ${count} but ${entries.size} entries`);
  return { version, created, count, entries, header: lines.slice(1, 4) };
}

/** Writes a snapshot body from its header lines (without the first) and entries. */
export function serializeSnapshot(origin, header, entries) {
  const sorted = [...entries].sort(compareEntries);
  return [`${origin}/v1 snapshot`, ...header, ...sorted.map((e) => e.line)].map((l) => `${l}\n`).join('');
}

/** Reads a `latest` body. */
export function parseLatest(text, origin) {
  const lines = splitLines(text);
  if (lines.length !== 5) fail('a latest note has five lines');
  firstLine(lines[0], origin, 'latest');
  const version = parseVersion(field(lines[1], 'version'));
  const digest = field(lines[2], 'digest');
  if (!DIGEST.test(digest)) fail('bad digest');
  const asOf = parseTime(field(lines[3], 'as_of'));
  const freshUntil = parseTime(field(lines[4], 'fresh_until'));
  if (freshUntil <= asOf) fail('fresh_until is not after as_of');
  return { version, digest, asOf, freshUntil };
}

function versionAndDigest(line, name) {
  const parts = field(line, name).split(' ');
  if (parts.length !== 2 || !DIGEST.test(parts[1])) fail(`bad ${name} line`);
  return { version: parseVersion(parts[0]), digest: parts[1] };
}

/** Reads a delta body: from, to, the target's header lines, then `-`/`+` entry lines. */
export function parseDelta(text, origin) {
  const lines = splitLines(text);
  firstLine(lines[0], origin, 'delta');
  const from = versionAndDigest(lines[1], 'from');
  const to = versionAndDigest(lines[2], 'to');
  if (to.version < from.version) fail('a delta goes forward');
  const header = lines.slice(3, 6).map((l) => field(l, '='));
  if (header[0] !== `version ${to.version}`) fail('target version line does not match "to"');
  const changes = [];
  let last = null;
  for (const l of lines.slice(6)) {
    const sign = l.slice(0, 2);
    if (sign !== '- ' && sign !== '+ ') fail(`bad change line ${l}`);
    const c = { sign: sign[0], entry: parseEntry(l.slice(2)) };
    if (last) {
      const o = compareEntries(last.entry, c.entry);
      if (o > 0 || (o === 0 && !(last.sign === '-' && c.sign === '+'))) fail(`change lines out of order at ${l}`);
    }
    changes.push(c);
    last = c;
  }
  return { from, to, header, changes };
}

/** SHA-256 of a snapshot body, base64: what `latest` and deltas name. */
export async function digestOf(text) {
  return toBase64(await sha256(new TextEncoder().encode(text)));
}

/**
 * Applies a parsed delta to a snapshot (its text and parsed form) and returns the target's text
 * and parsed form, after checking both digests.
 */
export async function applyDelta(origin, baseText, base, delta) {
  if (delta.from.version !== base.version) fail(`delta is from version ${delta.from.version}, not ${base.version}`);
  if (delta.from.digest !== (await digestOf(baseText))) fail('delta base digest does not match');
  const entries = new Map(base.entries);
  for (const c of delta.changes) {
    const had = entries.get(c.entry.key);
    if (c.sign === '-') {
      if (!had || had.line !== c.entry.line) fail(`delta removes a line the base lacks: ${c.entry.line}`);
      entries.delete(c.entry.key);
    } else {
      if (had) fail(`delta adds a line the base has: ${c.entry.line}`);
      entries.set(c.entry.key, c.entry);
    }
  }
  const text = serializeSnapshot(origin, delta.header, entries.values());
  if ((await digestOf(text)) !== delta.to.digest) fail('delta result does not match the target digest');
  return { text, snapshot: parseSnapshot(text, origin) };
}
