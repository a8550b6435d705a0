/* Paragraf chat widget. One script tag drops a chat onto any page:
 *
 *   <script src="https://paragraf.example.se/widget.js"
 *           data-api="https://paragraf.example.se"          (optional; default: where this file came from)
 *           data-organisations="Region Västerbotten"        (optional; comma-separated allow-list)
 *           data-mode="bubble|inline|none" data-target="#chat" data-filters="on"></script>
 *
 * No build step and no dependencies. It also exposes window.Paragraf (the small helpers the
 * search, documents and source pages reuse). All text shown to people is Swedish.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var API = (data.api || (script ? new URL(script.src, location.href).origin : location.origin)).replace(/\/$/, "");
  var ALLOWED_ORGS = (data.organisations || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);

  var CSS = [
    ".pgf{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a}",
    ".pgf,.pgf *{box-sizing:border-box}",
    ".pgf-chat{display:flex;flex-direction:column;gap:.75rem;max-width:100%}",
    ".pgf-log{display:flex;flex-direction:column;gap:.75rem;overflow-y:auto}",
    ".pgf-msg{padding:.75rem 1rem;border-radius:.5rem;max-width:100%;overflow-wrap:anywhere}",
    ".pgf-user{background:#e8eef7;align-self:flex-end}",
    ".pgf-bot{background:#fff;border:1px solid #c4c9d0}",
    ".pgf-status{color:#4a4f57;font-style:italic}",
    ".pgf-answer{white-space:pre-wrap}",
    ".pgf-cite{position:relative;color:#0b57a4;font-weight:600;text-decoration:underline}",
    ".pgf-tip{display:none;position:absolute;left:0;bottom:1.6em;z-index:10;width:min(22rem,70vw);",
    "padding:.5rem .75rem;background:#1a1a1a;color:#fff;font-weight:400;border-radius:.35rem;white-space:normal}",
    ".pgf-cite:hover .pgf-tip,.pgf-cite:focus .pgf-tip{display:block}",
    ".pgf-cite.pgf-tip-left .pgf-tip{left:auto;right:0}",
    ".pgf-sources{margin:.5rem 0 0;padding-left:1.5rem;font-size:.9rem}",
    ".pgf-sources li{margin:.35rem 0}",
    ".pgf-sources q{display:block;color:#333;margin:.15rem 0}",
    ".pgf a{color:#0b57a4}",
    ".pgf button,.pgf select,.pgf input,.pgf textarea{font:inherit;color:inherit}",
    ".pgf button{cursor:pointer;border:1px solid #0b57a4;background:#fff;color:#0b57a4;border-radius:.35rem;padding:.35rem .7rem}",
    ".pgf button.pgf-primary{background:#0b57a4;color:#fff}",
    ".pgf button:disabled{opacity:.6;cursor:progress}",
    ".pgf :focus-visible{outline:3px solid #c25e00;outline-offset:2px}",
    ".pgf-form{display:flex;flex-direction:column;gap:.5rem}",
    ".pgf-form textarea{width:100%;min-height:3.2rem;padding:.5rem;border:1px solid #6b7280;border-radius:.35rem}",
    ".pgf-row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}",
    ".pgf-filters{border:1px solid #c4c9d0;border-radius:.35rem;padding:.25rem .75rem}",
    ".pgf-filters summary{cursor:pointer;padding:.25rem 0}",
    ".pgf-filters label{display:flex;flex-direction:column;font-size:.9rem;margin:.25rem 0;min-width:12rem;flex:1}",
    ".pgf-filters select,.pgf-filters input{padding:.3rem;border:1px solid #6b7280;border-radius:.25rem}",
    ".pgf-feedback{margin-top:.5rem;font-size:.9rem}",
    ".pgf-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".pgf-bubble{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;border-radius:2rem!important;",
    "padding:.8rem 1.2rem!important;background:#0b57a4!important;color:#fff!important;box-shadow:0 2px 8px rgba(0,0,0,.3)}",
    ".pgf-panel{position:fixed;right:1rem;bottom:4.75rem;z-index:2147483000;width:min(26rem,calc(100vw - 2rem));",
    "max-height:calc(100vh - 6rem);display:flex;flex-direction:column;background:#f7f8fa;border:1px solid #6b7280;",
    "border-radius:.5rem;box-shadow:0 4px 16px rgba(0,0,0,.3);padding:.75rem}",
    ".pgf-panel[hidden]{display:none}",
    ".pgf-panel .pgf-chat{flex:1;min-height:0}",
    ".pgf-panel .pgf-log{flex:1;min-height:6rem;overflow-y:auto}",
    ".pgf-head{display:flex;justify-content:space-between;align-items:center;margin-bottom:.5rem}",
    ".pgf-head h2{font-size:1.05rem;margin:0}",
    "mark.pgf-mark{background:#ffe066;color:#1a1a1a}"
  ].join("\n");

  function injectCss() {
    if (document.getElementById("pgf-css")) return;
    var style = document.createElement("style");
    style.id = "pgf-css";
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function fetchJSON(path, options) {
    return fetch(API + path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body.detail || "Tjänsten svarade inte som väntat (" + r.status + ").");
        return body;
      });
    }, function () { throw new Error("Det gick inte att nå tjänsten. Kontrollera anslutningen och försök igen."); });
  }

  function copyText(text, button) {
    var done = function () {
      var old = button.textContent;
      button.textContent = "Kopierad!";
      setTimeout(function () { button.textContent = old; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
    button.dataset.copied = text;
  }

  function fallbackCopy(text) {
    var area = el("textarea", { "aria-hidden": "true", style: "position:fixed;left:-9999px" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable on the page */ }
    area.remove();
  }

  function sourceUrl(citation) {
    return API + "/kalla/" + encodeURIComponent(citation.paragraph_id) + "?q=" + encodeURIComponent(citation.quote) + "&n=" + citation.marker;
  }

  /* Filter controls built from the document catalogue; returns {node, value()} */
  function filterControls(idPrefix, documents, allowedOrgs) {
    var docs = documents.filter(function (d) { return !allowedOrgs.length || allowedOrgs.indexOf(d.organisation) >= 0; });
    function options(key) {
      var seen = {};
      docs.forEach(function (d) { if (d[key]) seen[d[key]] = true; });
      return Object.keys(seen).sort(function (a, b) { return a.localeCompare(b, "sv"); });
    }
    function select(key, label) {
      var s = el("select", { id: idPrefix + "-" + key, name: key }, [el("option", { value: "", text: "Alla" })]);
      options(key).forEach(function (v) { s.appendChild(el("option", { value: v, text: v })); });
      return { key: key, input: s, node: el("label", { "for": s.id }, [label, s]) };
    }
    var fields = [select("organisation", "Organisation"), select("body", "Organ"), select("doc_type", "Dokumenttyp")];
    var from = el("input", { type: "date", id: idPrefix + "-date_from", name: "date_from" });
    var to = el("input", { type: "date", id: idPrefix + "-date_to", name: "date_to" });
    var node = el("details", { "class": "pgf-filters" }, [
      el("summary", { text: "Avgränsa (organisation, organ, dokumenttyp, datum)" }),
      el("div", { "class": "pgf-row" }, fields.map(function (f) { return f.node; }).concat([
        el("label", { "for": from.id }, ["Från datum", from]),
        el("label", { "for": to.id }, ["Till datum", to])
      ]))
    ]);
    return {
      node: node,
      value: function () {
        var f = {};
        fields.forEach(function (x) { if (x.input.value) f[x.key] = [x.input.value]; });
        if (!f.organisation && allowedOrgs.length) f.organisation = allowedOrgs.slice();
        if (from.value) f.date_from = from.value;
        if (to.value) f.date_to = to.value;
        return f;
      }
    };
  }

  /* Reads a text/event-stream body; calls onEvent(name, data) per event. */
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        var parts = buffer.split("\n\n");
        buffer = parts.pop();
        parts.forEach(function (block) {
          var name = "message", payload = "";
          block.split("\n").forEach(function (line) {
            if (line.indexOf("event: ") === 0) name = line.slice(7);
            else if (line.indexOf("data: ") === 0) payload += line.slice(6);
          });
          if (payload) onEvent(name, JSON.parse(payload));
        });
        return pump();
      });
    }
    return pump();
  }

  function renderAnswer(container, answer, citations) {
    container.textContent = "";
    var byMarker = {};
    citations.forEach(function (c) { byMarker[c.marker] = c; });
    answer.split(/(\[\d+\])/).forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      var c = m && byMarker[+m[1]];
      if (!c) { container.appendChild(document.createTextNode(part)); return; }
      var tipId = "pgf-tip-" + Math.random().toString(36).slice(2);
      container.appendChild(el("a", {
        "class": "pgf-cite", href: sourceUrl(c), target: "_blank", rel: "noopener",
        "data-marker": c.marker, "data-paragraph": c.paragraph_id, "aria-describedby": tipId,
        "aria-label": "Källa " + c.marker + ": " + c.reference,
        onmouseenter: placeTip, onfocus: placeTip
      }, ["[" + c.marker + "]", el("span", { "class": "pgf-tip", role: "tooltip", id: tipId, text: "”" + c.quote + "”" })]));
    });
  }

  /* Open the preview towards the middle of the screen so it is never cut off at an edge. */
  function placeTip(e) {
    var link = e.currentTarget;
    link.classList.toggle("pgf-tip-left", link.getBoundingClientRect().left > window.innerWidth / 2);
  }

  function renderSources(citations) {
    var list = el("ol", { "class": "pgf-sources", "aria-label": "Källor" });
    citations.forEach(function (c) {
      var copy = el("button", { type: "button", "class": "pgf-copy", text: "Kopiera hänvisning",
        "aria-label": "Kopiera hänvisning " + c.marker, onclick: function () { copyText(c.reference, copy); } });
      list.appendChild(el("li", { value: c.marker, "data-paragraph": c.paragraph_id }, [
        el("a", { href: sourceUrl(c), target: "_blank", rel: "noopener", text: c.reference }),
        c.ocr ? el("span", { text: " (OCR-läst text)" }) : null,
        el("q", { text: c.quote }),
        copy
      ]));
    });
    return list;
  }

  function feedbackControls(result) {
    var box = el("div", { "class": "pgf-feedback pgf-row" });
    var comment = el("textarea", { "aria-label": "Kommentar (valfri)", placeholder: "Kommentar (valfri)", rows: "2" });
    var status = el("span", { role: "status" });
    function send(rating) {
      box.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      fetchJSON("/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rating: rating, question: result.question, answer: result.answer,
          citations: result.citations, comment: comment.value, conversation_id: result.conversation_id })
      }).then(function (r) { status.textContent = r.message; }, function (e) { status.textContent = e.message; });
    }
    box.appendChild(el("span", { text: "Var svaret till hjälp?" }));
    box.appendChild(el("button", { type: "button", "class": "pgf-up", text: "Bra svar", onclick: function () { send("up"); } }));
    box.appendChild(el("button", { type: "button", "class": "pgf-down", text: "Dåligt svar", onclick: function () { send("down"); } }));
    box.appendChild(comment);
    box.appendChild(status);
    return box;
  }

  function mountChat(host, options) {
    injectCss();
    var conversationId = null;
    var uid = "pgf" + Math.random().toString(36).slice(2, 8);
    var log = el("div", { "class": "pgf-log", role: "log", "aria-live": "polite", "aria-label": "Konversation" });
    var question = el("textarea", { id: uid + "-q", name: "question", rows: "2", maxlength: "1000", required: "required",
      placeholder: "T.ex. Vilka uppdrag fick regionstyrelsen 2024?" });
    var send = el("button", { type: "submit", "class": "pgf-primary", text: "Skicka" });
    var reset = el("button", { type: "button", text: "Ny konversation", onclick: function () {
      conversationId = null; log.textContent = ""; question.focus();
    } });
    var filters = null;
    var form = el("form", { "class": "pgf-form", "aria-label": "Ställ en fråga" }, [
      el("label", { "for": question.id, text: "Din fråga om beslut, uppdrag eller mål" }),
      question,
      el("div", { "class": "pgf-row" }, [send, reset])
    ]);
    if (options.filters) {
      fetchJSON("/api/documents").then(function (docs) {
        filters = filterControls(uid, docs, ALLOWED_ORGS);
        form.insertBefore(filters.node, form.firstChild);
      }, function () { /* filters are optional; asking still works */ });
    }
    question.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = question.value.trim();
      if (!text || send.disabled) return;
      ask(text);
      question.value = "";
    });

    function ask(text) {
      log.appendChild(el("div", { "class": "pgf-msg pgf-user" }, [el("span", { "class": "pgf-sr", text: "Du: " }), text]));
      var status = el("p", { "class": "pgf-status", role: "status", text: "Söker i underlagen …" });
      var answer = el("div", { "class": "pgf-answer" });
      var msg = el("div", { "class": "pgf-msg pgf-bot", "aria-busy": "true", "data-state": "retrieving", "data-tokens": "0" },
        [el("span", { "class": "pgf-sr", text: "Paragraf: " }), status, answer]);
      log.appendChild(msg);
      log.scrollTop = log.scrollHeight;
      send.disabled = true;
      var raw = "", tokens = 0, citations = [], result = null;
      var body = { question: text, conversation_id: conversationId };
      var f = filters ? filters.value() : (ALLOWED_ORGS.length ? { organisation: ALLOWED_ORGS } : null);
      if (f && Object.keys(f).length) body.filters = f;
      fetch(API + "/api/ask/stream", {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) return r.json().catch(function () { return {}; }).then(function (b) {
          throw new Error(b.detail || "Tjänsten svarade inte som väntat (" + r.status + ").");
        });
        return readEvents(r, function (name, payload) {
          if (name === "status") { status.textContent = payload.message; msg.dataset.state = payload.stage; }
          else if (name === "token") {
            raw += payload.text; tokens += 1; msg.dataset.tokens = String(tokens);
            answer.textContent = raw;
          } else if (name === "citation") { citations.push(payload); }
          else if (name === "done") { result = payload; }
          else if (name === "error") { throw new Error(payload.detail); }
        });
      }, function () { throw new Error("Det gick inte att nå tjänsten. Kontrollera anslutningen och försök igen."); })
        .then(function () {
          if (!result) throw new Error("Svaret avbröts. Försök igen.");
          conversationId = result.conversation_id || conversationId;
          status.remove();
          renderAnswer(answer, result.answer, citations);
          msg.dataset.citations = String(citations.length);
          if (citations.length) msg.appendChild(renderSources(citations));
          msg.appendChild(feedbackControls(result));
          msg.dataset.state = "done";
        })
        .catch(function (err) {
          status.textContent = err.message;
          status.className = "pgf-status pgf-error";
          msg.dataset.state = "error";
        })
        .then(function () {
          msg.setAttribute("aria-busy", "false");
          send.disabled = false;
          log.scrollTop = log.scrollHeight;
        });
    }

    var chat = el("section", { "class": "pgf pgf-chat", "aria-label": "Paragraf – frågor om beslut och mål" }, [log, form]);
    host.appendChild(chat);
    return { chat: chat, question: question, ask: ask };
  }

  function mountBubble() {
    injectCss();
    var panelId = "pgf-panel";
    var panel = el("div", { id: panelId, "class": "pgf pgf-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "pgf-title", hidden: "hidden" });
    var close = el("button", { type: "button", "aria-label": "Stäng chatten", text: "✕" });
    panel.appendChild(el("div", { "class": "pgf-head" }, [el("h2", { id: "pgf-title", text: "Fråga Paragraf" }), close]));
    var bubble = el("button", { type: "button", "class": "pgf pgf-bubble", "aria-expanded": "false",
      "aria-controls": panelId, text: "Frågor om beslut" });
    var chat = null;
    function open(show) {
      panel.hidden = !show;
      bubble.setAttribute("aria-expanded", String(show));
      if (show) {
        if (!chat) chat = mountChat(panel, { filters: false });
        chat.question.focus();
      } else { bubble.focus(); }
    }
    bubble.addEventListener("click", function () { open(panel.hidden); });
    close.addEventListener("click", function () { open(false); });
    panel.addEventListener("keydown", function (e) { if (e.key === "Escape") open(false); });
    document.body.appendChild(panel);
    document.body.appendChild(bubble);
  }

  window.Paragraf = { api: API, el: el, fetchJSON: fetchJSON, copyText: copyText, filterControls: filterControls,
    injectCss: injectCss, mountChat: mountChat };

  var mode = data.mode || "bubble";
  function start() {
    if (mode === "inline") mountChat(document.querySelector(data.target || "#paragraf") || document.body, { filters: data.filters === "on" });
    else if (mode === "bubble") mountBubble();
  }
  if (mode !== "none") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
