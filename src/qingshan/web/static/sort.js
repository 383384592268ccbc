// Sortable tables (progressive enhancement): a click on a column header of a table with class
// "sortable" sorts its rows by that column (numbers as numbers, "—" last); a second click
// reverses. Without JavaScript the tables are simply in the server's order.
(function () {
  "use strict";
  function key(cell) {
    var t = (cell ? cell.textContent : "").trim();
    if (t === "" || t === "—") { return null; }
    var n = parseFloat(t.replace(/[^0-9.+\-eE]/g, ""));
    return /^[+\-]?\d/.test(t) && !isNaN(n) ? n : t;
  }
  function sort(table, col, th) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      if (!table.tHead || !table.tHead.rows.length) { return; }
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.classList.add("sort");
        th.setAttribute("tabindex", "0");
        th.addEventListener("click", function () { sort(table, i, th); });
        th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(table, i, th); } });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
