// The v1 label code (contract §2) in the browser: what a QR code or a typed text says, read into
// the 85 signed bytes and their fields. Pure: no DOM, no network, so node tests run it as is.

const DIGITS = 207;
const GROUP_DIGITS = [0, 3, 5, 8, 10, 13, 15, 17];
/** Longest input looked at; longer text is refused on length alone. */
const MAX_INPUT = 2048;
const CONTEXT = new TextEncoder().encode('tasdiq-label-v1');
const DAY_MS = 86400000;
const EPOCH_2000 = Date.UTC(2000, 0, 1);

/** A reason word (the contract's `reason`) for input that is not a label code. */
export class CodeError extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * The digits of a label from what was scanned or typed: a label URL (`…/v/{code}` or `/V/`), or
 * the code itself. Spaces and line breaks inside a pasted code are dropped: people paste codes
 * wrapped by a chat app. Returns null for text that looks like neither (a short code, a URL of
 * another kind).
 */
export function extractCode(input) {
  const text = String(input ?? '').trim();
  if (text.length === 0 || text.length > MAX_INPUT) return null;
  const m = /\/[vV]\/([^/?#]*)(?:[?#].*)?$/.exec(text);
  if (m) return m[1];
  const bare = text.replace(/\s+/g, '');
  return /^[0-9]+$/.test(bare) && bare.length > 40 ? bare : null;
}

/** Reads a 207-digit code into its bytes and fields, or throws a CodeError. */
export function parseLabel(code) {
  if (code.length !== DIGITS) throw new CodeError('bad_length');
  if (!/^[0-9]*$/.test(code)) throw new CodeError('non_digit');
  const bytes = new Uint8Array(85);
  let at = 0;
  let pos = 0;
  while (at < 85) {
    const n = Math.min(7, 85 - at);
    const width = GROUP_DIGITS[n];
    let v = BigInt(code.slice(pos, pos + width));
    if (v >= 1n << BigInt(8 * n)) throw new CodeError('group_overflow');
    for (let i = n - 1; i >= 0; i--) {
      bytes[at + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    at += n;
    pos += width;
  }
  if (bytes[0] !== 1) throw new CodeError('unknown_version');
  const view = new DataView(bytes.buffer);
  const message = new Uint8Array(CONTEXT.length + 21);
  message.set(CONTEXT);
  message.set(bytes.subarray(0, 21), CONTEXT.length);
  const expiryDays = view.getUint16(19);
  return {
    code,
    kid: hex(bytes.subarray(1, 5)),
    certificate: view.getBigUint64(5).toString(),
    item: view.getUint32(13),
    brand: view.getUint16(17),
    expiresOn: new Date(EPOCH_2000 + expiryDays * DAY_MS).toISOString().slice(0, 10),
    message,
    signature: bytes.slice(21),
  };
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
