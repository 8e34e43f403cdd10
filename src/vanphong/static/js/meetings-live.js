// The live meeting: the follow fragment polls every half second with its ETag in
// If-None-Match (set by hx-headers); a 304 means nothing changed, so nothing is swapped
// (htmx would otherwise swap the empty body of a 3xx in).
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 304) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
    }
  });
})();
