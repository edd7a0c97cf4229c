/*
 * Pagefind behind Material's search box (kb.yml search.engine: pagefind). Loaded in <head>, before Material's
 * bundle: when the bundle starts its search worker, it gets this stand-in instead, which speaks the worker's
 * messages (setup -> ready, query -> result) and answers each query from Pagefind's index (pagefind/pagefind.js,
 * loaded on first use; it fetches only the index fragments a query's words need, in the page's <html lang>).
 * Queries are read as customers type them first (kb-query.js: question words and filler removed). Material
 * renders the results as its own.
 */
(function () {
  "use strict";

  var Native = window.Worker;
  if (!Native || Native.__kbPagefind) return;

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3; // Material's SearchMessageType
  var SHOWN = 10; // results whose excerpt is fetched (Pagefind loads each result's data separately)
  var script = document.currentScript ? document.currentScript.src : "";
  var root = script.replace(/assets\/javascripts\/kb-pagefind\.js(\?.*)?$/, "");
  var pagefind = null;

  function load() {
    if (!pagefind)
      pagefind = import(root + "pagefind/pagefind.js").then(function (module) {
        return Promise.resolve(module.options({ baseUrl: "/" })).then(function () {
          module.init();
          return module;
        });
      });
    return pagefind;
  }

  // Material renders a result's text as HTML: Pagefind's excerpt is (its <mark>s), a summary is plain text.
  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function query(text) {
    var words = window.kbQuery ? window.kbQuery.words(text, null) : [];
    return words.length ? words.join(" ") : text.trim();
  }

  // Pagefind lists the pages holding every word. When none holds them all, the pages holding any of them, the
  // ones with more of the words (then higher scores) first: a customer's sentence is rarely the article's.
  function anyWord(module, words) {
    return Promise.all(words.map(function (word) { return module.search(word); })).then(function (each) {
      var merged = {};
      each.forEach(function (found) {
        (found && found.results ? found.results : []).forEach(function (result) {
          var seen = merged[result.id] || (merged[result.id] = { result: result, words: 0, score: 0 });
          seen.words += 1;
          seen.score += result.score || 0;
        });
      });
      var results = Object.keys(merged).map(function (id) { return merged[id]; });
      results.sort(function (a, b) { return b.words - a.words || b.score - a.score; });
      return { results: results.map(function (r) { return r.result; }) };
    });
  }

  function search(text) {
    var wanted = query(text);
    if (!wanted) return Promise.resolve([]);
    return load()
      .then(function (module) {
        return Promise.resolve(module.search(wanted)).then(function (found) {
          var words = wanted.split(/\s+/).filter(Boolean);
          if ((found && found.results && found.results.length) || words.length < 2) return found;
          return anyWord(module, words);
        });
      })
      .then(function (found) {
        var top = (found && found.results ? found.results : []).slice(0, SHOWN);
        return Promise.all(top.map(function (result) {
          return result.data().then(function (data) {
            return [{
              location: String(data.url || "").replace(/^\//, ""),
              title: (data.meta && data.meta.title) || data.url,
              text: data.meta && data.meta.summary ? escape(data.meta.summary) : data.excerpt || "",
              score: result.score || 0,
              terms: {},
            }];
          });
        }));
      });
  }

  function Stand_in() {
    this.target = document.createElement("span");
    this.latest = 0;
  }
  Stand_in.prototype.addEventListener = function () {
    return this.target.addEventListener.apply(this.target, arguments);
  };
  Stand_in.prototype.removeEventListener = function () {
    return this.target.removeEventListener.apply(this.target, arguments);
  };
  Stand_in.prototype.dispatchEvent = function (event) {
    return this.target.dispatchEvent(event);
  };
  Stand_in.prototype.terminate = function () {};
  Stand_in.prototype.reply = function (data) {
    var event = new MessageEvent("message", { data: data });
    this.target.dispatchEvent(event);
    if (typeof this.onmessage === "function") this.onmessage(event);
  };
  Stand_in.prototype.postMessage = function (message) {
    var self = this;
    if (!message) return;
    if (message.type === SETUP) {
      setTimeout(function () { self.reply({ type: READY }); }, 0);
    } else if (message.type === QUERY) {
      var ticket = ++self.latest;
      search(String(message.data || ""))
        .catch(function (error) {
          console.warn("kb: Pagefind search failed", error);
          return [];
        })
        .then(function (items) {
          if (ticket === self.latest) self.reply({ type: RESULT, data: { items: items } });
        });
    }
  };

  var Swapped = function (url, options) {
    if (/(^|\/)search\.[0-9a-f]+\.min\.js(\?.*)?$/.test(String(url))) return new Stand_in();
    return new Native(url, options);
  };
  Swapped.prototype = Native.prototype;
  Swapped.__kbPagefind = true;
  window.Worker = Swapped;
})();
