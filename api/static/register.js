/* The register page (/beslut): decisions, assignments and targets with filters, vote bars and CSV. */
(function () {
  "use strict";
  var P = window.Paragraf;
  var el = P.el;
  P.injectCss();
  var statusNode = document.getElementById("status");
  var table = document.getElementById("register");
  var form = document.getElementById("reg-filters");
  var csv = document.getElementById("reg-csv");
  var kind = "decisions";
  var HEAD = {
    decisions: ["Datum", "Organ", "§", "Rubrik", "Beslut", "Omröstning", "Reservationer och jäv"],
    assignments: ["Datum", "Uppdragsgivare", "Mottagare", "Uppdrag", "Senast", "Belopp", "Status"],
    targets: ["Mål", "Indikator", "Utgångsvärde", "Målvärde", "Utfall", "Uppfyllelse", "Dokument"]
  };

  function params() {
    var out = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (!value) return;
      var scoped = form.querySelector('[name="' + key + '"]').closest("label");
      if (scoped && scoped.hidden) return;
      out.append(key, value);
    });
    return out;
  }

  function source(record, text) {
    var pid = (record.paragraph_ids || [])[0] || (record.source && record.source.paragraph_id);
    return pid ? el("a", { href: "/kalla/" + encodeURIComponent(pid), text: text }) : document.createTextNode(text);
  }

  function voteCell(record) {
    var cell = el("td");
    record.votes.forEach(function (v, i) {
      var total = (v.yes || 0) + (v.no || 0) + (v.abstain || 0) || 1;
      var bar = el("div", { "class": "reg-bar", role: "img",
        "aria-label": "Omröstning " + (i + 1) + ": " + (v.yes ?? "?") + " ja, " + (v.no ?? "?") + " nej" + (v.abstain ? ", " + v.abstain + " avstår" : "") });
      [["yes", "reg-yes"], ["no", "reg-no"], ["abstain", "reg-abst"]].forEach(function (part) {
        if (v[part[0]]) bar.appendChild(el("span", { "class": part[1], style: "width:" + (100 * v[part[0]] / total) + "%" }));
      });
      cell.appendChild(el("div", { "class": "reg-count", text: (v.yes ?? "?") + " ja – " + (v.no ?? "?") + " nej" + (v.abstain ? " – " + v.abstain + " avstår" : "") }));
      cell.appendChild(bar);
      var sides = Object.keys(v.named || {});
      if (sides.length) {
        var details = el("details", {}, [el("summary", { text: "Namn" })]);
        sides.forEach(function (side) {
          details.appendChild(el("p", { text: side + " (" + v.named[side].length + "): " + v.named[side].map(function (p) {
            return p.party ? p.name + " (" + p.party + ")" : p.name; }).join(", ") }));
        });
        cell.appendChild(details);
      }
    });
    return cell;
  }

  function row(r) {
    if (kind === "decisions") {
      var stances = r.reservations.concat(r.jav).map(function (s) { return s.text; }).join(" ");
      return el("tr", { "data-id": r.record_id }, [
        el("td", { text: r.date }), el("td", { text: r.body || r.organisation }),
        el("td", {}, [source(r, "§ " + r.number)]), el("td", { text: r.title }),
        el("td", { text: r.decision_points.map(function (p) { return p.text; }).join(" ") + (r.deferred ? " (" + r.deferred + ")" : "") }),
        voteCell(r), el("td", { text: stances })
      ]);
    }
    if (kind === "assignments") {
      return el("tr", { "data-id": r.record_id }, [
        el("td", { text: r.date }), el("td", { text: r.giver }), el("td", { text: r.receiver }),
        el("td", {}, [source(r, r.task.text)]),
        el("td", { text: r.deadlines.map(function (d) { return d.date; }).join(", ") }),
        el("td", { text: r.money.map(function (m) { return m.text; }).join(", ") }),
        el("td", { text: r.status ? r.status.text : "" })
      ]);
    }
    return el("tr", { "data-id": r.record_id }, [
      el("td", { text: r.goal }), el("td", {}, [source(r, r.indicator || r.source.quote)]),
      el("td", { text: r.baseline ? r.baseline + (r.baseline_year ? " (" + r.baseline_year + ")" : "") : "" }),
      el("td", { text: r.target + (r.target_year ? " (" + r.target_year + ")" : "") }),
      el("td", { text: r.outcome ? r.outcome + (r.outcome_year ? " (" + r.outcome_year + ")" : "") : "" }),
      el("td", { text: r.fulfilment }), el("td", { text: r.document_title })
    ]);
  }

  function load() {
    var q = params();
    var csvParams = new URLSearchParams(q);
    csvParams.set("format", "csv");
    csv.href = "/api/" + kind + "?" + csvParams.toString();
    q.set("limit", "500");
    statusNode.textContent = "Hämtar …";
    statusNode.className = "";
    P.fetchJSON("/api/" + kind + "?" + q.toString()).then(function (page) {
      var head = table.querySelector("thead");
      var body = table.querySelector("tbody");
      head.textContent = "";
      body.textContent = "";
      head.appendChild(el("tr", {}, HEAD[kind].map(function (h) { return el("th", { scope: "col", text: h }); })));
      page.items.forEach(function (r) { body.appendChild(row(r)); });
      statusNode.textContent = page.total + (page.total === 1 ? " post." : " poster.") +
        (page.total > page.items.length ? " Visar de " + page.items.length + " första; ladda ned CSV för alla." : "");
      table.hidden = false;
    }, function (err) { statusNode.textContent = err.message; statusNode.className = "error"; });
  }

  [].forEach.call(document.querySelectorAll('[role="tab"]'), function (tab) {
    tab.addEventListener("click", function () {
      kind = tab.getAttribute("data-kind");
      [].forEach.call(document.querySelectorAll('[role="tab"]'), function (t) { t.setAttribute("aria-selected", String(t === tab)); });
      [].forEach.call(document.querySelectorAll(".only-decisions"), function (n) { n.hidden = kind !== "decisions"; });
      [].forEach.call(document.querySelectorAll(".only-assignments"), function (n) { n.hidden = kind !== "assignments"; });
      load();
    });
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });

  P.fetchJSON("/api/documents").then(function (docs) {
    var orgs = {}, bodies = {};
    docs.forEach(function (d) { if (d.organisation) orgs[d.organisation] = 1; if (d.body) bodies[d.body] = 1; });
    Object.keys(orgs).sort().forEach(function (o) { document.getElementById("reg-org").appendChild(el("option", { value: o, text: o })); });
    Object.keys(bodies).sort().forEach(function (b) { document.getElementById("reg-body").appendChild(el("option", { value: b, text: b })); });
  });
  var initial = new URLSearchParams(location.search);
  initial.forEach(function (value, key) { var f = form.querySelector('[name="' + key + '"]'); if (f) { if (f.type === "checkbox") f.checked = true; else f.value = value; } });
  load();
})();
