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
    // Replies kept unsent on this device (components/unsent.py) are the member's: they go when the member logs out.
    if (event.target.closest && event.target.closest('#log-out, a[href="/auth/logout"]')) {
      try {
        Object.keys(localStorage).filter(function (name) { return name.indexOf("partnerskap-unsent-") === 0; }).forEach(function (name) { localStorage.removeItem(name); });
      } catch (error) {}
    }
  });
})();
