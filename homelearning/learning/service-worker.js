// Home Learning's service worker (issue 16): today's plan on a phone with no signal.
// Served at /sw.js. It keeps only pages the server marks "Offline-Cacheable: 1" (a parent's plan pages), the
// site's own styles and scripts, and nothing else; staff pages are never stored. Signing out clears it all
// (the server answers with Clear-Site-Data).
"use strict";
var PAGES = "homelearning-plans-v1";
var ASSETS = "homelearning-assets-v1";
var ASSET_URLS = __ASSETS__;
// The page for an address not saved on this phone, in the language the worker was installed in.
var OFFLINE_PAGE = __OFFLINE_PAGE__;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS).then(function (cache) {
      // One missing file must not stop the worker: each is kept on its own.
      return Promise.all(ASSET_URLS.map(function (url) { return cache.add(url).catch(function () {}); }));
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== PAGES && n !== ASSETS; }).map(function (n) {
        return caches.delete(n);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keep(request, response) {
  if (response.ok && response.headers.get("Offline-Cacheable") === "1") {
    var copy = response.clone();
    caches.open(PAGES).then(function (cache) { cache.put(request.url.split("#")[0], copy); });
  }
  return response;
}

// The page asks for its own address and tomorrow's to be kept (it may have loaded before the worker ran).
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(Promise.all(urls.map(function (url) {
    var request = new Request(url, { credentials: "same-origin" });
    return fetch(request).then(function (response) { keep(request, response); }).catch(function () {});
  })));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  var path = new URL(request.url).pathname;
  if (path.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;
  // Pages: the network first, so a plan is never stale while there is a signal; the kept copy without one.
  event.respondWith(
    fetch(request).then(function (response) { return keep(request, response); }).catch(function () {
      return caches.open(PAGES).then(function (cache) {
        // ignoreVary: the page varies on Cookie and HX-Request, which a kept copy cannot compare.
        return cache.match(request.url.split("#")[0], { ignoreVary: true });
      }).then(function (hit) {
        return hit || new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    })
  );
});
