/**
 * The drive survives page reloads: CIRCUITPY's bytes are kept in the browser's IndexedDB (one
 * record per board), saved after every edit from the page and whenever the firmware changed them.
 */
const DB = 'circuitemu';
const STORE = 'drives';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

export async function loadDrive(board: string): Promise<Uint8Array | null> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(board);
    req.onsuccess = () => resolve(req.result instanceof Uint8Array ? req.result : null);
    req.onerror = () => reject(req.error ?? new Error('could not read the saved drive'));
  });
}

export async function saveDrive(board: string, bytes: Uint8Array): Promise<void> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(bytes, board);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('could not save the drive'));
  });
}

/** Bytes differ (a plain loop: 2 MiB compares in a couple of milliseconds). */
export function differs(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
}
