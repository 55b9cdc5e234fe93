/* Explorer: filter the indicator checkboxes by the search box (names in both languages and ids). */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("indicator-search");
    if (!box) { return; }
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().trim().split(/\s+/);
      var items = document.querySelectorAll("label[data-search]");
      var groups = document.querySelectorAll("details.group");
      for (var g = 0; g < groups.length; g++) { if (box.value) { groups[g].open = true; } }
      for (var i = 0; i < items.length; i++) {
        var text = items[i].getAttribute("data-search");
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        items[i].hidden = !match && !items[i].querySelector("input").checked;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
