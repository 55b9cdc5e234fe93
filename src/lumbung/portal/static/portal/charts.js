/* Lumbung charts: every <div class="chart" data-spec="ID"> gets the Vega-Lite spec of the JSON
   block <script type="application/json" id="ID">, rendered by vega-embed as SVG. The AST
   interpreter is used (ast: true) so that no code is generated at run time: the page's
   Content-Security-Policy forbids eval. Numbers follow the page's language (html lang). */
(function () {
  "use strict";
  var LOCALES = {
    id: { decimal: ",", thousands: ".", grouping: [3], currency: ["Rp", ""] },
    en: { decimal: ".", thousands: ",", grouping: [3], currency: ["Rp", ""] }
  };
  function lang() {
    return (document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id";
  }
  function render(target) {
    var block = document.getElementById(target.getAttribute("data-spec"));
    if (!block || typeof vegaEmbed === "undefined") { return; }
    var spec = JSON.parse(block.textContent);
    vegaEmbed(target, spec, {
      actions: false, renderer: "svg", ast: true, defaultStyle: false,
      formatLocale: LOCALES[lang()],
      tooltip: { theme: "custom", disableDefaultStyle: true }
    }).then(function () {
      target.setAttribute("data-rendered", "1");
    }).catch(function (error) {
      target.setAttribute("data-error", String(error));
    });
  }
  function start() {
    var charts = document.querySelectorAll(".chart[data-spec]");
    for (var i = 0; i < charts.length; i++) { render(charts[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
