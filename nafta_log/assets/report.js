(function () {
  "use strict";
  var table = document.getElementById("meeting-table");
  if (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var status = document.getElementById("meeting-count");
    var total = rows.length;
    var texts = null;
    var tools = document.createElement("div");
    tools.className = "tools";
    var label = document.createElement("label");
    label.htmlFor = "meeting-search";
    label.textContent = "Search meetings ";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "meeting-search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", "meeting-table");
    label.appendChild(input);
    tools.appendChild(label);
    table.parentNode.insertBefore(tools, table);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      if (texts === null) {
        texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
      }
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var hit = q === "" || texts[i].indexOf(q) !== -1;
        rows[i].hidden = !hit;
        if (hit) { shown++; }
      }
      status.textContent = q === "" ? total + " meetings" : shown + " of " + total + " meetings match";
    });
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (r, i) {
          return [r.cells[col].textContent.toLowerCase(), i, r];
        });
        keyed.sort(function (a, b) {
          var d = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
          return ascending ? d : -d;
        });
        var frag = document.createDocumentFragment();
        keyed.forEach(function (k) { frag.appendChild(k[2]); });
        body.appendChild(frag);
        rows = keyed.map(function (k) { return k[2]; });
        texts = null;
      });
    });
  }
  document.documentElement.setAttribute("data-ready", "yes");
})();
