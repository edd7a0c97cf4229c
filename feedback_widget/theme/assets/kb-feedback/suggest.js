/*
 * Article suggestions for a contact form: as a customer types the subject of a support request, ask the
 * endpoint's /api/suggest for the articles that may already answer it, and list them above the form.
 *
 * Markup: an input #kb-suggest-subject and a container #kb-suggestions holding a <ul>. Every text is set with
 * textContent; the request carries the subject and the page language only.
 */
(function () {
  "use strict";

  var QUIET_MS = 250;
  var MIN_CHARS = 3;
  var scriptSrc = document.currentScript ? document.currentScript.src : "";
  // The site's root, from where this script lives (assets/kb-feedback/suggest.js): article urls are relative to it.
  var siteRoot = scriptSrc.replace(/assets\/kb-feedback\/suggest\.js(\?.*)?$/, "");

  function settings() {
    var node = document.getElementById("__kb_search");
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  function start() {
    var input = document.getElementById("kb-suggest-subject");
    var box = document.getElementById("kb-suggestions");
    if (!input || !box || !window.fetch) return;
    var list = box.querySelector("ul");
    var config = settings();
    var endpoint = config.suggest || "/api/suggest";
    var timer = null;
    var latest = 0;

    function show(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = siteRoot + item.url;
        link.textContent = item.title;
        li.appendChild(link);
        if (item.summary) {
          var summary = document.createElement("span");
          summary.className = "kb-suggestions__summary";
          summary.textContent = " — " + item.summary;
          li.appendChild(summary);
        }
        list.appendChild(li);
      });
      box.hidden = items.length === 0;
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) return show([]);
      var ticket = ++latest;
      var url = endpoint + "?q=" + encodeURIComponent(query.slice(0, 200)) + "&lang=" + encodeURIComponent(config.lang || "en");
      fetch(url, { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (ticket === latest) show(Array.isArray(items) ? items : []); })
        .catch(function () { if (ticket === latest) show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, QUIET_MS);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
