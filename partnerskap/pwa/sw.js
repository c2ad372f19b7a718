// Partnerskap's service worker (served by /sw.js, its values filled in by partnerskap/pwa).
// It also shows the push notifications the server sends (see the end of this file).
// It keeps only the app shell and the build's hashed files, under one cache per release; pages always come
// from the network (they are live and member-specific), and when the network is gone a page is answered by the
// offline page. Everything else (member data, downloads, exports, calendars, uploads, the event socket, /auth/*,
// /healthz, /metrics) passes by untouched and is never stored.
const VERSION = __VERSION__;
const SHELL = __SHELL__;
const HASHED_BUILD_FILE = new RegExp(__HASHED_BUILD_FILE__);
const OFFLINE_PATH = __OFFLINE_PATH__;
const PREFIX = "partnerskap-";
const CACHE = PREFIX + VERSION;

function mayCache(url) {
  return url.origin === self.location.origin && (SHELL.includes(url.pathname) || HASHED_BUILD_FILE.test(url.pathname));
}

self.addEventListener("install", (event) => {
  // cache: "reload" so the shell comes from the server, not from the browser's HTTP cache of an older release.
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // A new release replaces the old cache; open pages are taken over at once and offered a reload.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(OFFLINE_PATH))));
    return;
  }
  if (!mayCache(url)) {
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request).then((kept) =>
        kept || fetch(request).then((response) => {
          if (response.ok && response.type === "basic") {
            cache.put(request, response.clone());
          }
          return response;
        }),
      ),
    ),
  );
});

// A push (sent by the server's background job, encrypted for this browser) is shown at once: its title, its text
// and, on a click, the place it names on this origin. Several pushes about one place replace each other (one tag).
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  const url = ownPath(message.url);
  event.waitUntil(
    self.registration.showNotification(message.title || "Partnerskap", {
      body: message.body || "",
      icon: "/icons/icon-192.png",
      tag: url,
      data: { url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(ownPath(event.notification.data && event.notification.data.url), self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target);
      return open ? open.focus() : self.clients.openWindow(target);
    }),
  );
});

function ownPath(url) {
  // Only a place of this origin is ever opened from a notification.
  const parsed = new URL(url || "/notifications", self.location.origin);
  return parsed.origin === self.location.origin ? parsed.pathname + parsed.search + parsed.hash : "/notifications";
}
