// Làng Số field app service worker, version {{ version|escapejs }}.
// Keeps the app shell, its static files and the guides so they open with no network. API calls are
// never cached here: the app keeps its own data (worklist, unsent records) in IndexedDB.
"use strict";
const VERSION = "{{ version|escapejs }}";
const CACHE = "langso-field-" + VERSION;
const MANIFEST_URL = "{{ manifest_url|escapejs }}";
const KEPT_PREFIXES = ["/field/", "/guides/", "/static/"];

async function precache() {
  const cache = await caches.open(CACHE);
  const response = await fetch(MANIFEST_URL, { cache: "no-store", credentials: "same-origin" });
  const manifest = await response.json();
  // One by one: a guide that fails to download must not stop the app itself from installing.
  for (const url of manifest.urls) {
    try {
      const res = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
      if (res.ok) await cache.put(url, res);
    } catch (error) {
      /* retried on the next visit */
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("langso-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isKept(url) {
  return url.origin === self.location.origin && KEPT_PREFIXES.some((p) => url.pathname.startsWith(p));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // Pages about the member (connecting, their phones) are never kept, nor served as the shell.
  const personal = ["/field/connect", "/field/devices"].some((p) => url.pathname.startsWith(p));
  if (!isKept(url) || personal || url.pathname === "/field/sw.js") return;
  // Cached copy first (the network may be gone or very slow); refresh it in the background.
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // Every page of the app is the one shell; anything else is looked up by its exact address.
      const isShell = url.pathname.startsWith("/field/") && request.mode === "navigate";
      const key = isShell ? "/field/" : request;
      // Django sends "Vary: Cookie" (the language cookie); this cache is already per language, so
      // a page kept by the installer matches the page's own requests.
      const cached = await cache.match(key, { ignoreSearch: isShell, ignoreVary: true });
      const fromNetwork = fetch(request)
        .then((response) => {
          // Pages meant for one person (a quiz opened for a resident) say no-store: never kept here.
          const personal = /no-store/.test(response.headers.get("Cache-Control") || "");
          if (response.ok && response.type === "basic" && !personal && !response.headers.get("Content-Range")) {
            cache.put(key, response.clone());
          }
          return response;
        })
        .catch(() => undefined);
      if (cached) {
        event.waitUntil(fromNetwork);
        return cached;
      }
      const response = await fromNetwork;
      return response || new Response("", { status: 504, statusText: "offline" });
    })
  );
});
