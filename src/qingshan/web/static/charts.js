// Charts marked data-inline (the map: its cities and stations are links) are put in the page as
// SVG once loaded (progressive enhancement): an <img> shows the picture but not its links.
// Without JavaScript the image stays, and the map's table below it links every city.
(function () {
  "use strict";
  function inline(img) {
    fetch(img.currentSrc || img.src, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : Promise.reject(r.status);
    }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "image/svg+xml");
      var svg = doc.documentElement;
      if (!svg || svg.localName !== "svg" || doc.getElementsByTagName("parsererror").length) { return; }
      Array.prototype.forEach.call(svg.querySelectorAll("script, foreignObject"), function (e) { e.remove(); });
      Array.prototype.forEach.call(svg.querySelectorAll("*"), function (e) {
        Array.prototype.slice.call(e.attributes).forEach(function (a) {
          if (/^on/i.test(a.name)) { e.removeAttribute(a.name); }
        });
      });
      // one label in the page's language (the caption); the marks inside are presentational
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", img.alt);
      img.replaceWith(document.importNode(svg, true));
    }).catch(function () { /* the image stays */ });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("img[data-inline]"), inline);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
