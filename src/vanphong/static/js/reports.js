// The report's fill-in page: what is typed is kept in the browser (localStorage) as
// well as saved to the server every few seconds (htmx, #autosave), so nothing typed
// is lost when the connection drops. On load, a copy newer than the server's draft
// is put back into the form and saved again.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var form = document.getElementById("report-form");
    if (!form) return;
    var key = form.dataset.storageKey;
    var status = document.getElementById("save-status");
    var autosave = document.getElementById("autosave");
    if (form.dataset.submitted) { try { localStorage.removeItem(key); } catch (e) {} return; }
    function inputs() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && (el.name.indexOf("f:") === 0 || el.name.indexOf("t:") === 0);
      });
    }
    function keep() {
      var values = {};
      inputs().forEach(function (el) { values[el.name] = el.value; });
      try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values })); } catch (e) {}
    }
    function saved(at) {
      try {
        var copy = JSON.parse(localStorage.getItem(key) || "null");
        if (copy && copy.at <= at) localStorage.removeItem(key);
      } catch (e) {}
    }
    // Restore a copy newer than the server's draft.
    try {
      var copy = JSON.parse(localStorage.getItem(key) || "null");
      var server = parseInt(form.dataset.savedAt || "0", 10);
      if (copy && copy.at > server) {
        var restored = 0;
        inputs().forEach(function (el) {
          if (Object.prototype.hasOwnProperty.call(copy.values, el.name) && el.value !== copy.values[el.name]) {
            el.value = copy.values[el.name];
            restored += 1;
          }
        });
        if (restored && status) status.textContent = form.dataset.restoredText || "↺";
        if (restored && autosave && window.htmx) window.htmx.trigger(autosave, "retry");
      }
    } catch (e) {}
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    if (!autosave) return;
    // Saving or submitting the whole form saves the draft itself: no autosave beside it.
    var submitting = false;
    form.addEventListener("submit", function () { keep(); submitting = true; });
    autosave.addEventListener("htmx:confirm", function (event) { if (submitting) event.preventDefault(); });
    autosave.addEventListener("htmx:afterSwap", function () {
      var mark = status && status.querySelector("[data-saved]");
      var at = mark ? parseInt(mark.getAttribute("data-saved"), 10) : 0;
      if (at) { form.dataset.savedAt = String(at); saved(at); }
    });
    autosave.addEventListener("htmx:sendError", function () {
      if (status) status.innerHTML = '<span class="text-warning" data-saved="0">' + (form.dataset.offlineText || "offline") + "</span>";
    });
    window.addEventListener("online", function () { if (window.htmx) window.htmx.trigger(autosave, "retry"); });
  });
})();
