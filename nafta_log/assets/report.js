(function () {
  "use strict";
  var PAGE = 250;
  var table = document.getElementById("meeting-table");
  if (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var status = document.getElementById("meeting-count");
    var total = rows.length;
    var texts = null;
    var query = "";
    var limit = PAGE;
    var make = function (tag, props) {
      var el = document.createElement(tag);
      Object.keys(props).forEach(function (k) { el[k] = props[k]; });
      return el;
    };
    var tools = make("div", {className: "tools"});
    var label = make("label", {htmlFor: "meeting-search", textContent: "Search meetings "});
    var input = make("input", {type: "search", id: "meeting-search", autocomplete: "off"});
    input.setAttribute("aria-controls", "meeting-table");
    label.appendChild(input);
    tools.appendChild(label);
    table.parentNode.insertBefore(tools, table);
    var more = make("button", {type: "button", className: "more"});
    var all = make("button", {type: "button", className: "more", textContent: "Show all"});
    var paging = make("p", {className: "tools"});
    paging.appendChild(more);
    paging.appendChild(all);
    table.parentNode.insertBefore(paging, table.nextSibling);
    // Show the rows that match the search, at most `limit` of them (long logs stay quick to draw).
    var render = function () {
      if (query !== "" && texts === null) {
        texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
      }
      var matched = 0;
      for (var i = 0; i < rows.length; i++) {
        var hit = query === "" || texts[i].indexOf(query) !== -1;
        if (hit) { matched++; }
        var hide = !hit || matched > limit;
        if (rows[i].hidden !== hide) { rows[i].hidden = hide; }
      }
      var text = query === "" ? total + " meetings" : matched + " of " + total + " meetings match";
      if (matched > limit) { text += "; showing the first " + limit; }
      status.textContent = text;
      paging.hidden = matched <= limit;
      more.textContent = "Show " + Math.min(PAGE * 2, matched - limit) + " more";
    };
    input.addEventListener("input", function () {
      query = input.value.trim().toLowerCase();
      limit = PAGE;
      render();
    });
    more.addEventListener("click", function () { limit += PAGE * 2; render(); });
    all.addEventListener("click", function () { limit = total; render(); });
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = make("button", {type: "button"});
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (r, i) { return [r.cells[col].textContent.toLowerCase(), i, r]; });
        keyed.sort(function (a, b) {
          var d = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
          return ascending ? d : -d;
        });
        rows = keyed.map(function (k) { return k[2]; });
        texts = null;
        var frag = document.createDocumentFragment();
        rows.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
        render();
      });
    });
    render();
  }
  document.documentElement.setAttribute("data-ready", "yes");
})();
