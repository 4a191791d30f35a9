// Hashes and Ed25519 signature checks in the browser: WebCrypto `Ed25519` where the browser has
// it, otherwise the vendored @noble/ed25519, loaded only then. Both run strict checks (noble with
// `zip215: false`), as the server's `verify_strict` does.

const subtle = globalThis.crypto?.subtle;
const imported = new Map();
let engine = null;
let noble = null;
let ready = null;

export async function sha256(bytes) {
  return new Uint8Array(await subtle.digest('SHA-256', bytes));
}

/** Which implementation checks signatures: "webcrypto" or "noble", once one has been used. */
export function signatureEngine() {
  return engine;
}

// RFC 8032 §7.1 test 1's public key: a point every Ed25519 implementation accepts, so a failed
// import of it means the browser has no Ed25519, not that a key is bad.
const PROBE = Uint8Array.from(
  'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'.match(/../g),
  (h) => parseInt(h, 16),
);

async function pickEngine() {
  try {
    await subtle.importKey('raw', PROBE, { name: 'Ed25519' }, false, ['verify']);
    engine = 'webcrypto';
  } catch {
    noble = await import('./vendor/noble-ed25519.js');
    engine = 'noble';
  }
}

/** True if `sig` is a valid Ed25519 signature of `msg` by the 32-byte public key `pub`. */
export async function verifyEd25519(pub, msg, sig) {
  if (pub.length !== 32 || sig.length !== 64) return false;
  ready ??= pickEngine();
  await ready;
  if (engine === 'noble') {
    try {
      return await noble.verifyAsync(sig, msg, pub, { zip215: false });
    } catch {
      return false;
    }
  }
  const id = Array.from(pub).join(',');
  let key = imported.get(id);
  try {
    if (!key) {
      key = await subtle.importKey('raw', pub, { name: 'Ed25519' }, false, ['verify']);
      imported.set(id, key);
    }
    return await subtle.verify({ name: 'Ed25519' }, key, sig, msg);
  } catch {
    // An invalid point fails import: not a key that can have signed anything.
    return false;
  }
}

/** Standard base64 (RFC 4648 §4) with padding, strictly: null for anything else. */
export function fromBase64(text) {
  if (typeof text !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const bin = atob(text);
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return toBase64(out) === text ? out : null;
}

/** base64url without padding, as in a JWK's `x`: null for anything else. */
export function fromBase64Url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const std = text.replace(/-/g, '+').replace(/_/g, '/');
  return fromBase64(std + '='.repeat((4 - (std.length % 4)) % 4));
}

export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
