/*
 * Reports a site search that showed no result, so support leads see what readers looked for and did not find.
 *
 * Waits until the reader stops typing, then, if Material's search listed nothing, sends the query text and the
 * page's language (nothing about the reader) to the endpoint, once per query and page view. Failures are ignored:
 * a lost report costs nothing the reader would notice.
 */
(function () {
  "use strict";

  var QUIET_MS = 1500;
  var MIN_CHARS = 2;
  var MAX_CHARS = 200;

  function settings() {
    var node = document.getElementById("__kb_search");
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (e) {
      return null;
    }
  }

  var input = document.querySelector("input.md-search__input");
  if (!settings() || !input || !window.fetch) return;

  var reported = {};
  var timer = null;

  function showsNothing() {
    // Material fills the list as results arrive; its meta line changes from the "type to start" prompt once a
    // search has run. Both must agree before a search counts as one that found nothing.
    var list = document.querySelector(".md-search-result__list");
    var meta = document.querySelector(".md-search-result__meta");
    return list && list.children.length === 0 && meta && meta.textContent.trim() !== "" && meta.dataset.kbInitial !== meta.textContent;
  }

  function report() {
    var query = input.value.trim().replace(/\s+/g, " ").slice(0, MAX_CHARS);
    var key = query.toLowerCase();
    // Read now, not at load: with instant navigation the search box outlives the page it was loaded on.
    var config = settings();
    if (!config || !config.misses || query.length < MIN_CHARS || reported[key] || !showsNothing()) return;
    reported[key] = true;
    fetch(config.misses, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: query, lang: config.lang }),
      keepalive: true,
      credentials: "omit",
    }).catch(function () {});
  }

  var meta = document.querySelector(".md-search-result__meta");
  if (meta) meta.dataset.kbInitial = meta.textContent;

  input.addEventListener("keyup", function () {
    clearTimeout(timer);
    timer = setTimeout(report, QUIET_MS);
  });
})();
