// Retailer mode: a carton scanned label after label, then sent as one `POST /api/v1/verify`
// batch. Lots wait in the IndexedDB outbox until the network and the server take them; the API
// key goes only to that route of our own origin.
import { enqueue, queued, dequeue, updateQueued, getState } from './store.js';

/** The contract's batch limit: a longer carton is sent as several lots. */
const BATCH_MAX = 1000;

/** The labels of one carton, in scan order, with duplicates flagged. */
export class Carton {
  constructor() {
    this.scans = [];
  }

  /** Adds a scan; a code already in the carton is flagged as scanned twice. */
  add(code, verdict) {
    const duplicate = this.scans.some((s) => s.code === code);
    const scan = { id: this.scans.length ? this.scans[this.scans.length - 1].id + 1 : 1, code, verdict, duplicate };
    this.scans.push(scan);
    return scan;
  }

  remove(id) {
    this.scans = this.scans.filter((s) => s.id !== id);
    // Whether a scan is a duplicate depends on what came before it.
    const seen = new Set();
    for (const s of this.scans) {
      s.duplicate = seen.has(s.code);
      seen.add(s.code);
    }
  }

  summary() {
    const bad = this.scans.filter((s) => !s.duplicate && s.verdict.status !== 'authentic').length;
    return { count: this.scans.length, duplicates: this.scans.filter((s) => s.duplicate).length, bad };
  }
}

/**
 * Queues a carton's codes, every physical scan included (a label seen twice is evidence of a
 * copy the server should count). With a location set, the lot carries a custody record: the
 * batch route then also stores the delivery as one EPCIS `receiving` event at that location
 * (`{"codes": [...], "record": {"bizStep": "receiving", "bizLocation": ...}}`).
 */
export async function queueLot(codes, location) {
  for (let i = 0; i < codes.length; i += BATCH_MAX) {
    const lot = { created: new Date().toISOString(), codes: codes.slice(i, i + BATCH_MAX), state: 'queued' };
    if (location) lot.record = { bizStep: 'receiving', bizLocation: location };
    await enqueue(lot);
  }
}

let flushing = false;

/**
 * Sends the queued lots in order. `events` receives `sent(lot, response)`, `refused()` (the key
 * was not accepted) and `failed(lot)` (the server refused the lot itself). Stops at the first
 * network error or server trouble; the rest waits for the next try.
 */
export async function flushOutbox(events) {
  if (flushing) return;
  flushing = true;
  try {
    const settings = await getState('retailer');
    if (!settings?.key) return;
    for (const lot of await queued()) {
      if (lot.state !== 'queued') continue;
      const body = lot.record ? { codes: lot.codes, record: lot.record } : { codes: lot.codes };
      let res;
      try {
        res = await fetch('/api/v1/verify', {
          method: 'POST',
          credentials: 'omit',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${settings.key}` },
          body: JSON.stringify(body),
        });
      } catch {
        break;
      }
      if (res.ok) {
        const doc = await res.json().catch(() => ({}));
        await dequeue(lot.id);
        events.sent(lot, doc);
      } else if (res.status === 401 || res.status === 403) {
        events.refused();
        break;
      } else if (res.status >= 500 || res.status === 408 || res.status === 429) {
        break;
      } else {
        const problem = await res.json().catch(() => ({}));
        lot.state = 'failed';
        lot.detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${res.status}`;
        await updateQueued(lot);
        events.failed(lot);
      }
    }
  } finally {
    flushing = false;
  }
}

export async function outbox() {
  return queued();
}

export { dequeue as discardLot };
