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
    // Replies kept unsent on this device (components/unsent.py) and the push switch's mark are the member's: they go
    // when the member logs out, after the log-out event has read the mark (hence the timeout), and the browser's push
    // subscription is ended too.
    if (event.target.closest && event.target.closest("#log-out, .menu-log-out")) {
      setTimeout(function () {
        try {
          Object.keys(localStorage).filter(function (name) { return name.indexOf("partnerskap-unsent-") === 0; }).forEach(function (name) { localStorage.removeItem(name); });
          localStorage.removeItem("partnerskap-push-endpoint");
        } catch (error) {}
        if ("serviceWorker" in navigator) {
          navigator.serviceWorker.getRegistration().then(function (registration) { return registration && registration.pushManager && registration.pushManager.getSubscription(); })
            .then(function (subscription) { return subscription && subscription.unsubscribe(); })
            .catch(function () {});
        }
      }, 0);
    }
  });
})();
