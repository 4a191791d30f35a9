// C2SP signed notes (c2sp.org/signed-note), Ed25519 type 0x01 only: verifier keys and opening
// a note. Written from the specification; the status list (status.js) is built on it.
import { sha256, verifyEd25519, fromBase64 } from './crypto.js';
import { hex } from './label.js';

const enc = new TextEncoder();
/** Largest note read: a 16 MiB body (docs/status-list.md "Limits") and its signatures. */
export const MAX_NOTE = 16 * 1024 * 1024 + 64 * 1024;
/** The spec asks verifiers to accept at least 16 signatures; more is refused as abuse. */
const MAX_SIGNATURES = 32;

export class NoteError extends Error {}

function validName(name) {
  return name.length > 0 && !/[\s+]/u.test(name) && !/[\u0000-\u001f\u007f]/.test(name);
}

/** The recommended key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pub)[:4], as 8 hex digits. */
export async function keyId(name, pub) {
  const n = enc.encode(name);
  const buf = new Uint8Array(n.length + 2 + pub.length);
  buf.set(n);
  buf.set([0x0a, 0x01], n.length);
  buf.set(pub, n.length + 2);
  return hex((await sha256(buf)).subarray(0, 4));
}

/** Reads a vkey `name+hex8+base64(0x01 ‖ pub)`; its ID must be the recommended one. */
export async function parseVkey(vkey) {
  // Split at the first two "+" only: the base64 key may itself hold "+".
  const text = String(vkey);
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (b < 0) throw new NoteError('a vkey has three parts separated by "+"');
  const [name, id, key] = [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
  if (!validName(name)) throw new NoteError('bad key name in vkey');
  if (!/^[0-9a-f]{8}$/.test(id)) throw new NoteError('bad key ID in vkey');
  const raw = fromBase64(key);
  if (!raw || raw.length !== 33 || raw[0] !== 0x01) throw new NoteError('not an Ed25519 vkey');
  const pub = raw.slice(1);
  if ((await keyId(name, pub)) !== id) throw new NoteError('vkey ID does not match its key');
  return { name, id, pub };
}

/**
 * Checks a signed note against the given verifier keys and returns its text (the signed part,
 * ending in a newline). Signatures by other keys are ignored; a failing signature by a known
 * key, or no valid one, rejects the note.
 */
export async function openNote(input, verifiers) {
  let note = input;
  if (typeof note !== 'string') {
    if (note.byteLength > MAX_NOTE) throw new NoteError('note too large');
    try {
      note = new TextDecoder('utf-8', { fatal: true }).decode(note);
    } catch {
      throw new NoteError('note is not UTF-8');
    }
  }
  if (note.length > MAX_NOTE) throw new NoteError('note too large');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new NoteError('control character in note');
  if (!note.endsWith('\n')) throw new NoteError('note does not end in a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('note has no signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('too many signatures');
  const msg = enc.encode(text);
  let verified = null;
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || !validName(m[1])) throw new NoteError('malformed signature line');
    const sig = fromBase64(m[2]);
    if (!sig || sig.length < 5) throw new NoteError('malformed signature');
    const id = hex(sig.subarray(0, 4));
    for (const v of verifiers) {
      if (v.name !== m[1] || v.id !== id) continue;
      if (!(await verifyEd25519(v.pub, msg, sig.subarray(4)))) throw new NoteError(`bad signature by ${v.name}`);
      verified ??= v;
    }
  }
  if (!verified) throw new NoteError('no signature by a known key');
  return { text, signer: verified };
}

