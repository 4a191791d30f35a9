// Bringing the key set and the signed status list onto the device (docs/status-list.md "Sync"):
// keys.json, then `latest`, then a delta from the version held (or the full snapshot), each
// checked before anything is kept. A failed or refused sync keeps what was held before.
import { fromBase64Url, sha256 } from './crypto.js';
import { hex } from './label.js';
import { parseVkey, openNote } from './note.js';
import { parseSnapshot, parseLatest, parseDelta, applyDelta, digestOf, StatusError } from './status.js';

const KEYS_URL = '/.well-known/tasdiq/keys.json';
const STATUS_URL = '/.well-known/tasdiq/status';
/** How far ahead of the device's clock a list may be dated (docs/status-list.md "Sync"). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The key set: label keys by kid, and the verifier keys of status notes. */
export async function readKeySet(text) {
  const doc = JSON.parse(text);
  const labelKeys = new Map();
  const statusKeys = [];
  for (const k of Array.isArray(doc?.keys) ? doc.keys : []) {
    if (k?.kty !== 'OKP' || k.crv !== 'Ed25519') continue;
    const pub = fromBase64Url(k.x);
    if (!pub || pub.length !== 32) continue;
    const purpose = k.purpose ?? 'label';
    if (purpose === 'label') {
      // A kid that is not the hash of its key could shadow another key: skip the entry.
      if (hex((await sha256(pub)).subarray(0, 4)) !== k.kid) continue;
      labelKeys.set(k.kid, { pub, status: k.status ?? 'active' });
    } else if (purpose === 'status' && k.status !== 'compromised' && typeof k.vkey === 'string') {
      try {
        const v = await parseVkey(k.vkey);
        if (hex(v.pub) === hex(pub)) statusKeys.push(v);
      } catch {
        // An unreadable vkey cannot verify anything; the other keys still can.
      }
    }
  }
  return { labelKeys, statusKeys };
}

async function get(fetchFn, url) {
  const res = await fetchFn(url, { cache: 'no-store', credentials: 'omit' });
  return { status: res.status, body: res.ok ? new Uint8Array(await res.arrayBuffer()) : null };
}

/** Opens a status note with whichever status key signed it; returns the body and origin. */
async function openStatus(bytes, statusKeys) {
  const { text, signer } = await openNote(bytes, statusKeys);
  return { text, origin: signer.name };
}

/**
 * Brings the status list up to date from `held` ({snapshot, latest, origin} texts, or null).
 * Returns the new held state and how it was reached: "same", "delta" or "full".
 */
export async function syncStatus(fetchFn, statusKeys, held, now) {
  if (statusKeys.length === 0) throw new StatusError('keys.json has no status key');
  const prev = held ? { snap: parseSnapshot(held.snapshot, held.origin), latest: parseLatest(held.latest, held.origin) } : null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const l = await get(fetchFn, `${STATUS_URL}/latest`);
    if (!l.body) throw new StatusError(`latest: HTTP ${l.status}`);
    const { text: latestText, origin } = await openStatus(l.body, statusKeys);
    const latest = parseLatest(latestText, origin);
    if (latest.asOf > now + CLOCK_SKEW_MS) throw new StatusError('the list is dated in the future: check the device clock');
    const same = prev && held.origin === origin;
    if (same && latest.version < prev.snap.version) throw new StatusError('the server offers an older version (rollback refused)');
    if (same && latest.version === prev.snap.version) {
      if (latest.digest !== (await digestOf(held.snapshot))) throw new StatusError('same version, other digest: refused');
      // An older re-signing of the same version is a stale cache, not news: keep what is held.
      const newer = latest.asOf >= prev.latest.asOf;
      return { state: newer ? { snapshot: held.snapshot, latest: latestText, origin } : held, via: 'same' };
    }
    if (same && latest.asOf < prev.latest.asOf) throw new StatusError('a newer version with an older as_of: refused');
    let text = null;
    let via = 'full';
    if (same) {
      const d = await get(fetchFn, `${STATUS_URL}/delta?since=${prev.snap.version}`);
      if (d.body) {
        const opened = await openStatus(d.body, statusKeys);
        if (opened.origin !== origin) throw new StatusError('delta signed under another origin');
        const out = await applyDelta(origin, held.snapshot, prev.snap, parseDelta(opened.text, origin));
        text = out.text;
        via = 'delta';
      } else if (d.status !== 410 && d.status !== 404) {
        throw new StatusError(`delta: HTTP ${d.status}`);
      }
    }
    if (text === null) {
      const s = await get(fetchFn, `${STATUS_URL}/${latest.version}`);
      if (!s.body) throw new StatusError(`snapshot: HTTP ${s.status}`);
      const opened = await openStatus(s.body, statusKeys);
      if (opened.origin !== origin) throw new StatusError('snapshot signed under another origin');
      text = opened.text;
    }
    const snap = parseSnapshot(text, origin);
    // The list moved on between the two requests: ask for `latest` again.
    if (snap.version > latest.version) continue;
    if (snap.version !== latest.version || (await digestOf(text)) !== latest.digest) {
      throw new StatusError('the snapshot does not match the latest note');
    }
    return { state: { snapshot: text, latest: latestText, origin }, via };
  }
  throw new StatusError('the list kept changing during the sync');
}

/** Fetches the key set; returns its text once it parses. */
export async function syncKeys(fetchFn) {
  const r = await get(fetchFn, KEYS_URL);
  if (!r.body) throw new Error(`keys.json: HTTP ${r.status}`);
  const text = new TextDecoder().decode(r.body);
  await readKeySet(text);
  return text;
}

/** Brand names by number, from the public registry (for display only). */
export async function syncBrands(fetchFn) {
  const names = {};
  for (let offset = 0, page = 0; page < 20; page++) {
    const r = await get(fetchFn, `/api/v1/brands?limit=500&offset=${offset}`);
    if (!r.body) break;
    const doc = JSON.parse(new TextDecoder().decode(r.body));
    for (const b of doc.items ?? []) if (Number.isInteger(b.number) && b.names) names[b.number] = b.names;
    offset += (doc.items ?? []).length;
    if (!doc.items?.length || offset >= doc.total) break;
  }
  return names;
}

/** The held list as the verdict needs it: entries and the freshness of `latest`. */
export function heldList(held) {
  if (!held) return null;
  const snap = parseSnapshot(held.snapshot, held.origin);
  return { entries: snap.entries, version: snap.version, latest: parseLatest(held.latest, held.origin) };
}
