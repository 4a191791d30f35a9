// What the app keeps on the device, in IndexedDB: the last signature-checked key set and status
// list, the brand names, the retailer's settings, and the outbox of lots waiting for the network.
// IndexedDB rather than the service worker's cache, because a snapshot rebuilt from a delta has no
// URL of its own, and only checked data is kept.

const DB = 'tasdiq-scan';
let opened = null;

function db() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('state');
      req.result.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

async function run(store, mode, fn) {
  const tx = (await db()).transaction(store, mode);
  const req = fn(tx.objectStore(store));
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(req?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const getState = (key) => run('state', 'readonly', (s) => s.get(key));
export const putState = (key, value) => run('state', 'readwrite', (s) => s.put(value, key));

/** Several state values in one transaction, so a sync never leaves half a list behind. */
export function putStates(entries) {
  return run('state', 'readwrite', (s) => {
    for (const [k, v] of Object.entries(entries)) s.put(v, k);
  });
}

export const enqueue = (lot) => run('outbox', 'readwrite', (s) => s.add(lot));
export const queued = () => run('outbox', 'readonly', (s) => s.getAll());
export const updateQueued = (lot) => run('outbox', 'readwrite', (s) => s.put(lot));
export const dequeue = (id) => run('outbox', 'readwrite', (s) => s.delete(id));
