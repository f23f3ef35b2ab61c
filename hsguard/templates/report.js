// hsguard report: filter, sort and search of the review queue, in the page itself.
// Reads only the table the page already holds (data-* attributes and text); never
// writes markup (no HTML strings): rows are shown, hidden and moved, text is set with
// textContent. Nothing is fetched. Without JavaScript every row is shown.
(function () {
  "use strict";
  var table = document.getElementById("queue");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = document.getElementById("queue-search");
  var severity = document.getElementById("queue-severity");
  var check = document.getElementById("queue-check");
  var scheme = document.getElementById("queue-scheme");
  var sort = document.getElementById("queue-sort");
  var count = document.getElementById("queue-count");
  var reset = document.getElementById("queue-reset");
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });

  function has(list, value) {
    return (" " + (list || "") + " ").indexOf(" " + value + " ") >= 0;
  }

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = (!severity.value || row.dataset.severity === severity.value)
        && (!check.value || has(row.dataset.checks, check.value))
        && (!scheme.value || has(row.dataset.schemes, scheme.value))
        && words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "Showing " + shown.toLocaleString("en") + " of "
      + rows.length.toLocaleString("en") + " products";
    count.dataset.shown = String(shown);
  }

  function key(row, by) {
    if (by === "sku") { return row.dataset.sku; }
    return Number(row.dataset[by] || "NaN");
  }

  function order() {
    var by = sort.value;
    var sorted = rows.slice().sort(function (a, b) {
      var ka = key(a, by), kb = key(b, by);
      if (by === "sku") { return ka < kb ? -1 : ka > kb ? 1 : 0; }
      if (by === "rank") { return ka - kb; }
      var na = isNaN(ka), nb = isNaN(kb);  // unknown values last, then by rank
      if (na || nb) { return na === nb ? key(a, "rank") - key(b, "rank") : na ? 1 : -1; }
      return kb - ka || key(a, "rank") - key(b, "rank");
    });
    sorted.forEach(function (row) { body.appendChild(row); });
  }

  function clear() {
    search.value = ""; severity.value = ""; check.value = ""; scheme.value = "";
    apply();
  }

  function reveal() {
    // A link to #sku-... shows that product even when a filter hides it.
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "TR" && target.hidden) {
      clear();
      target.scrollIntoView();
    }
  }

  [search, severity, check, scheme].forEach(function (el) { el.addEventListener("input", apply); });
  sort.addEventListener("change", order);
  reset.addEventListener("click", clear);
  document.getElementById("queue-expand").addEventListener("click", function () {
    table.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  document.getElementById("queue-collapse").addEventListener("click", function () {
    table.querySelectorAll("details").forEach(function (d) { d.open = false; });
  });
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
  window.addEventListener("hashchange", reveal);
  document.body.classList.add("js");
  order();
  apply();
  reveal();
}());
