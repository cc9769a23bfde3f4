/*
 * The site's service worker: the whole built site (pages, scripts, workers, the MicroPython wasm) is
 * precached at install, so the page works offline after its first load. vite.config.ts emits this file as
 * sw.js with `PRECACHE` (every file of the build) and `VERSION` (a hash of them) defined in front of it;
 * a new build is a new cache, and the old one is deleted once the new worker takes over.
 *
 * Requests are answered from the cache first (the files are content-hashed, except the page itself) and
 * from the network otherwise; a page navigation with any query (?board=..., ?engine=...) gets the cached
 * index.html. Cached responses keep the headers they were fetched with (COOP/COEP: the page stays
 * cross-origin isolated offline).
 */
/* global PRECACHE, VERSION */
const CACHE = `circuitemu-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((f) => new Request(new URL(f, self.registration.scope), { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('circuitemu-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  const page = req.mode === 'navigate' ? new URL('./index.html', self.registration.scope).href : null;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // ignoreVary: static servers send Vary: Origin, and module scripts are requested with an Origin the precache's requests lacked.
      const hit = await cache.match(page ?? req, { ignoreSearch: page !== null, ignoreVary: true });
      if (hit) return hit;
      return fetch(req);
    }),
  );
});
