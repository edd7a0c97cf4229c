/*
 * Material's search worker, with queries read as customers type them. Loaded instead of Material's worker (the
 * page's <head> points `new Worker` here, with Material's own worker file as ?material=); it loads Material's worker
 * and changes two things:
 *
 * 1. The query is rewritten before Material's search sees it (kb-query.js, beside this file): question words and
 *    filler are removed in English and Chinese ("how do i", "can i", "怎么", "如何", "我想", "吗"), and Chinese
 *    is segmented against the words of the index itself (the build segmented the pages with jieba), longest words
 *    covering the most characters.
 * 2. The Lunr query is built from those words: each word as typed (boost 10) and in its other English forms
 *    (boost 5), a one-letter typo only for a word the index does not hold (boost 2), and a prefix match only for
 *    the last word while it is being typed (boost 1), so prefix-only matches never drown whole-word ones.
 *
 * When nothing is left of a query (it was all filler), Material's own search runs on it unchanged.
 */
(function () {
  "use strict";

  var QUERY = 2; // Material's SearchMessageType.QUERY

  importScripts("kb-query.js");
  var HAN = /\p{sc=Han}/u;
  var forms = self.kbQuery.forms;
  var words = self.kbQuery.words;

  // Lunr clauses for the query's words. `typing`: the last word may be unfinished.
  function clauses(found, has, typing) {
    var lunr = self.lunr;
    var list = [];
    var seen = {};
    function add(term, options) {
      var key = term + "|" + (options.wildcard || 0) + "|" + (options.editDistance || 0);
      if (seen[key]) return;
      seen[key] = true;
      list.push(Object.assign({ term: term, usePipeline: false }, options));
    }
    found.forEach(function (word, i) {
      add(word, { boost: 10 });
      if (HAN.test(word)) return;
      forms(word).forEach(function (form) {
        add(form, { boost: 5 });
      });
      if (!has(word) && word.length >= 5 && !/\d/.test(word)) add(word, { boost: 2, editDistance: 1 });
      if (typing && i === found.length - 1 && word.length >= 2)
        add(word, { boost: 1, wildcard: lunr.Query.wildcard.TRAILING });
    });
    return list;
  }

  var current = null; // the clauses for the query being searched
  var index = null; // the Lunr index Material built

  function hasIn(idx) {
    return function (word) {
      return !!idx && Object.prototype.hasOwnProperty.call(idx.invertedIndex, word);
    };
  }

  var addListener = self.addEventListener;
  self.addEventListener = function (type, listener, options) {
    if (type === "message" && typeof listener === "function") {
      var inner = listener;
      listener = function (event) {
        var message = event.data;
        if (!message || message.type !== QUERY || typeof message.data !== "string" || !index)
          return inner.call(this, event);
        var has = hasIn(index);
        var found = words(message.data, has);
        current = found.length ? clauses(found, has, !/\s$/.test(message.data)) : null;
        var text = current ? found.join(" ") : message.data;
        return inner.call(this, { data: { type: QUERY, data: text } });
      };
    }
    return addListener.call(this, type, listener, options);
  };

  var material = new URL(self.location.href).searchParams.get("material") || "";
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(material)) throw new Error("kb-search: no Material search worker named");
  importScripts(material);

  var lunr = self.lunr;
  var build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () {
    index = build.apply(this, arguments);
    return index;
  };
  var search = lunr.Index.prototype.search;
  lunr.Index.prototype.search = function (text) {
    if (this !== index || !current) return search.call(this, text);
    var mine = current;
    return this.query(function (query) {
      mine.forEach(function (clause) {
        query.clause(Object.assign({}, clause));
      });
    });
  };

})();
