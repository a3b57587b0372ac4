// The parent's side of offline plans (issue 16): register the service worker, ask it to keep this page and the
// next day's, and when there is no signal say when the page shown was saved. Without JavaScript, or in a
// browser without service workers, the pages work as before, online.
(function () {
  "use strict";
  var note = document.getElementById("offline-note");
  function showNote() { if (note) note.hidden = navigator.onLine; }
  window.addEventListener("online", showNote);
  window.addEventListener("offline", showNote);
  showNote();
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (!navigator.onLine || !registration.active) return;
    var keep = [location.pathname + location.search];
    document.querySelectorAll("a[data-offline-keep]").forEach(function (a) { keep.push(a.getAttribute("href")); });
    registration.active.postMessage({ keep: keep });
  }).catch(function () {});
})();
