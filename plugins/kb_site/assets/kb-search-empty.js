/*
 * No dead ends: when the site search lists nothing, show a way on under the search box: "Contact support" (kb.yml
 * search.contact_url) and, when the feedback endpoint answers, its top article suggestions for the same words
 * (GET /api/suggest, ranked on the server by the coverage engine's index).
 *
 * Settings: <script type="application/json" id="__kb_no_dead_end"> written by the kb plugin (contact address,
 * language, labels, site root); the suggestion route comes from the feedback widget's #__kb_search when the site
 * has one. The box sits beside Material's result list, never in it, so the report of missed searches
 * (search-miss.js) still sees an empty list. Every text is set with textContent.
 */
(function () {
  "use strict";

  if (window.__kbNoDeadEnd) return;
  window.__kbNoDeadEnd = true;

  var QUIET_MS = 300;
  var MAX_CHARS = 200;
  var LIMIT = 3;

  function json(id) {
    var node = document.getElementById(id);
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (e) {
      return null;
    }
  }

  var timer = null;
  var latest = 0;

  function box(result) {
    var found = result.querySelector(".kb-search-empty");
    if (found) return found;
    found = document.createElement("div");
    found.className = "kb-search-empty";
    found.hidden = true;
    found.style.padding = "0.6rem 0.8rem";
    found.style.fontSize = "0.7rem";
    var meta = result.querySelector(".md-search-result__meta");
    result.insertBefore(found, meta ? meta.nextSibling : result.firstChild);
    return found;
  }

  // Material's own words for "no result" in the page's language (its #__config translations).
  function noneLabel() {
    var config = json("__config") || {};
    return ((config.translations || {})["search.result.none"] || "").trim();
  }

  function nothingFound(input, list, meta) {
    if (!input || !list || !meta) return false;
    var none = noneLabel();
    return input.value.trim() !== "" && list.children.length === 0 && !!none && meta.textContent.trim() === none;
  }

  function render(target, config, query, items) {
    var labels = config.labels || {};
    target.textContent = "";
    var line = document.createElement("p");
    line.textContent = (labels.nothing || "") + " ";
    if (config.contact) {
      var contact = document.createElement("a");
      contact.className = "kb-search-empty__contact";
      contact.href = config.contact;
      contact.textContent = labels.contact || "Contact support";
      line.appendChild(contact);
    }
    target.appendChild(line);
    if (items.length) {
      var heading = document.createElement("p");
      heading.textContent = labels.suggestions || "";
      target.appendChild(heading);
      var ul = document.createElement("ul");
      ul.className = "kb-search-empty__suggestions";
      items.slice(0, LIMIT).forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = (config.root || "") + item.url;
        link.textContent = item.title;
        li.appendChild(link);
        ul.appendChild(li);
      });
      target.appendChild(ul);
    }
    target.hidden = false;
  }

  function update() {
    var config = json("__kb_no_dead_end");
    var input = document.querySelector("input.md-search__input");
    var result = document.querySelector(".md-search-result");
    if (!config || !input || !result) return;
    var target = box(result);
    var list = result.querySelector(".md-search-result__list");
    var meta = result.querySelector(".md-search-result__meta");
    var ticket = ++latest;
    if (!nothingFound(input, list, meta)) {
      target.hidden = true;
      return;
    }
    var query = input.value.trim().replace(/\s+/g, " ").slice(0, MAX_CHARS);
    render(target, config, query, []);
    var search = json("__kb_search") || {};
    var endpoint = search.suggest || config.suggest;
    if (!endpoint || !window.fetch) return;
    var url = endpoint + "?q=" + encodeURIComponent(query) + "&lang=" + encodeURIComponent(config.lang || "en");
    fetch(url, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (items) {
        if (ticket === latest && Array.isArray(items) && nothingFound(input, list, meta))
          render(target, config, query, items);
      })
      .catch(function () {});
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, QUIET_MS);
  }

  function start() {
    var result = document.querySelector(".md-search-result");
    if (!result) return;
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        var node = records[i].target;
        var element = node.nodeType === 1 ? node : node.parentElement;
        if (!element || !element.closest(".kb-search-empty")) return schedule();
      }
    }).observe(result, { childList: true, subtree: true, characterData: true });
    document.addEventListener("input", function (event) {
      if (event.target && event.target.matches && event.target.matches("input.md-search__input")) schedule();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
