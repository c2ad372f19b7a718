// Registers the service worker (/sw.js) from every page, and offers a reload once a new release has taken over.
// A static file, not rx.call_script: the pages' CSP forbids eval.
(function () {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  var hadWorker = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (!hadWorker) {
      hadWorker = true; // the first installation: the page is already the newest
      return;
    }
    var offer = document.getElementById("update-ready");
    if (offer) {
      offer.hidden = false;
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#update-reload")) {
      location.reload();
    }
  });
})();
