// The offline verdict (docs/status-list.md "How a verifier decides"): a label whose signature
// was checked, the cached key set and status list, and the time. Pure, and tested as a table
// against the `decisions` of tests/vectors/status-v1.json.

/** Default longest age of a status list before it stops vouching for a label: 7 days. */
export const MAX_AGE_MS = 7 * 86400000;

const v = (status, reason, warnings = []) => ({ status, reason, warnings });

/** Whether a list, known through its `latest` note, is stale at `now`. */
export function isStale(latest, now, maxAgeMs = MAX_AGE_MS) {
  return now > Math.min(latest.freshUntil, latest.asOf + maxAgeMs);
}

/**
 * Decides a label offline.
 * - `label`: the parsed label (kid, certificate, brand, expiresOn).
 * - `key`: its entry in keys.json (`{status}`), or null if the kid is unknown.
 * - `signatureOk`: the strict Ed25519 check under that key.
 * - `list`: `{entries, latest}` from the last synced status list, or null.
 */
export function decideOffline({ label, key, signatureOk, list, now, maxAgeMs = MAX_AGE_MS }) {
  if (!key) return v('counterfeit', 'unknown_key');
  if (!signatureOk) return v('counterfeit', 'bad_signature');
  const get = (k) => list?.entries.get(k);
  const cert = get(`cert ${label.certificate}`);
  const brand = get(`brand ${label.brand}`);
  // The online order of decide_lot: key and certificate revocations, then the brand, then the
  // producer's right of use. A listed status stays true even in a stale list: offline, a label
  // once known bad is never shown as good.
  if (cert && cert.status === 'revoked' && cert.reason !== 'member_withdrawn') return v('revoked', cert.reason);
  if (brand) return brand.status === 'withdrawn' ? v('revoked', brand.reason) : v('suspended', brand.reason);
  if (cert) return v(cert.status, cert.reason);
  const today = new Date(now).toISOString().slice(0, 10);
  if (today > label.expiresOn) return v('expired', 'expired');
  if (key.status === 'compromised' || get(`key ${label.kid}`)) return v('unknown', 'key_compromised');
  if (!list) return v('authentic', 'valid', ['status_unchecked']);
  if (isStale(list.latest, now, maxAgeMs)) return v('unknown', 'status_stale');
  return v('authentic', 'valid');
}
