/* Search, documents and source pages. Uses the helpers widget.js exposes as window.Paragraf. */
(function () {
  "use strict";
  var P = window.Paragraf;
  var el = P.el;
  var statusNode = document.getElementById("status");
  P.injectCss();

  function fail(err) {
    statusNode.textContent = err.message;
    statusNode.className = "error";
  }

  /* Text with [start, end) spans wrapped in <mark>. */
  function marked(text, spans) {
    var out = [], at = 0;
    spans.slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (s) {
      if (s[0] < at) return;
      out.push(document.createTextNode(text.slice(at, s[0])));
      out.push(el("mark", { text: text.slice(s[0], s[1]) }));
      at = s[1];
    });
    out.push(document.createTextNode(text.slice(at)));
    return out;
  }

  function meta(list, rows) {
    rows.forEach(function (r) {
      if (!r[1] && r[1] !== 0) return;
      list.appendChild(el("dt", { text: r[0] }));
      list.appendChild(el("dd", { text: String(r[1]) }));
    });
  }

  function searchPage() {
    var form = document.getElementById("search");
    var input = document.getElementById("q");
    var results = document.getElementById("results");
    var filters = null;
    P.fetchJSON("/api/documents").then(function (docs) {
      filters = P.filterControls("sok", docs, []);
      form.appendChild(filters.node);
    }, fail);
    function run(q) {
      var params = new URLSearchParams({ q: q });
      var f = filters ? filters.value() : {};
      Object.keys(f).forEach(function (k) {
        [].concat(f[k]).forEach(function (v) { params.append(k, v); });
      });
      statusNode.className = "";
      statusNode.textContent = "Söker …";
      results.textContent = "";
      P.fetchJSON("/api/search?" + params.toString()).then(function (body) {
        statusNode.textContent = body.results.length ? body.results.length + " träffar för ”" + body.query + "”." : "Inga träffar.";
        body.results.forEach(function (hit) {
          var link = "/kalla/" + encodeURIComponent(hit.paragraph.paragraph_id);
          results.appendChild(el("li", { "class": "card", "data-paragraph": hit.paragraph.paragraph_id }, [
            el("a", { "class": "reference", href: link, text: hit.reference }),
            el("div", { text: hit.document.title }),
            el("p", {}, marked(hit.paragraph.text, hit.highlights)),
            el("a", { href: link, text: "Visa i sitt sammanhang" })
          ]));
        });
      }, fail);
      history.replaceState(null, "", "/sok?" + new URLSearchParams({ q: q }).toString());
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); if (input.value.trim()) run(input.value.trim()); });
    var initial = new URLSearchParams(location.search).get("q");
    if (initial) { input.value = initial; run(initial); }
  }

  function documentsPage() {
    var table = document.getElementById("documents");
    var body = table.querySelector("tbody");
    P.fetchJSON("/api/documents").then(function (docs) {
      statusNode.textContent = docs.length + " dokument.";
      docs.forEach(function (d) {
        var file = el("a", { href: "/api/documents/" + encodeURIComponent(d.doc_id) + "/file", text: d.source || "Öppna" });
        body.appendChild(el("tr", { "data-doc": d.doc_id }, [
          el("td", { text: d.title }), el("td", { text: d.organisation }), el("td", { text: d.body }),
          el("td", { text: d.doc_type }), el("td", { text: d.date }), el("td", { text: String(d.pages) }),
          el("td", { text: String(d.paragraph_count) }), el("td", {}, [file])
        ]));
      });
      table.hidden = false;
    }, fail);
  }

  function sourcePage() {
    var pid = decodeURIComponent(location.pathname.replace(/^\/kalla\//, ""));
    var quote = new URLSearchParams(location.search).get("q") || "";
    P.fetchJSON("/api/paragraphs/" + encodeURIComponent(pid)).then(function (d) {
      var doc = d.document, p = d.paragraph;
      document.title = (doc.title || doc.doc_id) + " – Paragraf";
      document.getElementById("title").textContent = doc.title || doc.doc_id;
      document.getElementById("ocr").hidden = !doc.ocr;
      meta(document.getElementById("meta"), [
        ["Organisation", doc.organisation], ["Organ", doc.body], ["Dokumenttyp", doc.doc_type],
        ["Datum", doc.date], ["Diarienummer", doc.diarienummer], ["Avsnitt", p.section],
        ["Sida", p.page], ["Stycke", p.ordinal + " av " + doc.paragraph_count], ["Fil", doc.source]
      ]);
      document.getElementById("reference").textContent = d.reference;
      var copy = document.getElementById("copy");
      copy.addEventListener("click", function () { P.copyText(d.reference, copy); });
      var file = document.getElementById("file");
      if (d.file_url) {
        file.href = d.file_url;
        file.textContent = "Öppna originalet på sidan " + p.page;
        file.hidden = false;
      }
      document.getElementById("section-title").textContent = (p.section || "Stycket").split(" › ")[0];
      var context = document.getElementById("context");
      var target = null;
      d.context.forEach(function (q) {
        var cited = q.paragraph_id === p.paragraph_id;
        var node = el("p", { id: "p" + q.ordinal, "data-paragraph": q.paragraph_id });
        node.appendChild(el("span", { "class": "where", text: "s. " + q.page + " · stycke " + q.ordinal +
          (q.section.indexOf(" › ") > 0 ? " · " + q.section.split(" › ").slice(1).join(" › ") : "") }));
        var at = cited && quote ? q.text.indexOf(quote) : -1;
        if (at >= 0) marked(q.text, [[at, at + quote.length]]).forEach(function (n) { node.appendChild(n); });
        else node.appendChild(document.createTextNode(q.text));
        if (cited) {
          node.className = "cited";
          node.setAttribute("tabindex", "-1");
          node.setAttribute("aria-label", "Citerat stycke");
          target = node;
        }
        context.appendChild(node);
      });
      statusNode.textContent = "";
      document.getElementById("source").hidden = false;
      if (target) { target.scrollIntoView({ block: "center" }); target.focus({ preventScroll: true }); }
    }, fail);
  }

  var path = location.pathname;
  if (path.indexOf("/sok") === 0) searchPage();
  else if (path.indexOf("/dokument") === 0) documentsPage();
  else if (path.indexOf("/kalla/") === 0) sourcePage();
})();
