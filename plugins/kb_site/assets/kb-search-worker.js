/*
 * Material's search worker, with queries read as customers type them. Loaded instead of Material's worker (the
 * page's <head> points `new Worker` here, with Material's own worker file as ?material=); it loads Material's worker
 * and changes two things:
 *
 * 1. The query is rewritten before Material's search sees it: question words and filler are removed in English
 *    and Chinese ("how do i", "can i", "怎么", "如何", "我想", "吗"), and Chinese is segmented against the words
 *    of the index itself (the build segmented the pages with jieba), longest words covering the most characters.
 * 2. The Lunr query is built from those words: each word as typed (boost 10) and in its other English forms
 *    (boost 5), a one-letter typo only for a word the index does not hold (boost 2), and a prefix match only for
 *    the last word while it is being typed (boost 1), so prefix-only matches never drown whole-word ones.
 *
 * When nothing is left of a query (it was all filler), Material's own search runs on it unchanged.
 */
(function () {
  "use strict";

  var QUERY = 2; // Material's SearchMessageType.QUERY

  var EN_FILLER = [
    "how do i", "how can i", "how do you", "how to", "can i", "can you", "could you", "is it possible to",
    "i want to", "i need to", "i would like to", "i'd like to", "id like to", "what do i do", "what should i do",
    "where can i", "where do i", "please", "help me", "i want", "i need",
  ];
  // Words Lunr's English stop word list keeps but that carry no subject in a help center query.
  var EN_EXTRA_STOP = {
    cant: 1, dont: 1, doesnt: 1, didnt: 1, isnt: 1, wont: 1, im: 1, ive: 1, want: 1, need: 1, please: 1,
    help: 1, possible: 1, keeps: 1, anymore: 1,
  };
  var ZH_FILLER = [
    "请问", "怎么办", "怎么回事", "怎么样", "怎么", "怎样", "如何", "为什么", "为啥", "我想要", "我想", "我要",
    "想要", "能不能", "可不可以", "可以", "能否", "是否", "一下", "帮我", "我的", "我",
  ];
  var ZH_PARTICLES = /^[吗呢吧啊呀了么的]+$/;
  var HAN = /\p{sc=Han}/u;
  var RUN = /[\p{sc=Han}]+|[\p{L}\p{N}][\p{L}\p{N}'’]*/gu;
  var MAX_WORD = 8;

  function forms(word) {
    var found = [];
    if (word.length > 4 && /ies$/.test(word)) found.push(word.slice(0, -3) + "y");
    else if (word.length > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) found.push(word.slice(0, -1));
    if (word.length > 5 && /ing$/.test(word)) {
      var stem = word.slice(0, -3);
      found.push(stem, stem + "e");
      if (/(.)\1$/.test(stem)) found.push(stem.slice(0, -1));
    }
    if (word.length > 4 && /ed$/.test(word)) {
      var base = word.slice(0, -2);
      found.push(base, base + "e");
      if (/(.)\1$/.test(base)) found.push(base.slice(0, -1));
    }
    return found;
  }

  function isStop(word) {
    if (EN_EXTRA_STOP[word]) return true;
    var filter = self.lunr && self.lunr.stopWordFilter;
    return filter ? filter(word) === undefined : false;
  }

  // Words of `run` (Han characters) found in the index: most characters covered, then fewest words.
  function segment(run, has) {
    var n = run.length;
    var best = [{ covered: 0, words: 0, prev: -1, word: null }];
    for (var i = 1; i <= n; i++) {
      var top = { covered: best[i - 1].covered, words: best[i - 1].words, prev: i - 1, word: null };
      for (var len = 1; len <= Math.min(MAX_WORD, i); len++) {
        var word = run.slice(i - len, i);
        if (!has(word)) continue;
        var from = best[i - len];
        var covered = from.covered + len;
        if (covered > top.covered || (covered === top.covered && from.words + 1 < top.words))
          top = { covered: covered, words: from.words + 1, prev: i - len, word: word };
      }
      best.push(top);
    }
    var words = [];
    for (var at = n; at > 0; at = best[at].prev) if (best[at].word) words.unshift(best[at].word);
    return words;
  }

  // The words of a query, filler removed and Chinese segmented; `has(word)` tells whether the index holds it.
  function words(query, has) {
    var text = " " + query.toLowerCase().replace(/[’]/g, "'") + " ";
    EN_FILLER.forEach(function (phrase) {
      text = text.split(" " + phrase + " ").join(" ");
    });
    var found = [];
    (text.match(RUN) || []).forEach(function (run) {
      if (HAN.test(run)) {
        ZH_FILLER.forEach(function (filler) {
          run = run.split(filler).join(" ");
        });
        run.split(" ").forEach(function (part) {
          segment(part, has).forEach(function (word) {
            if (!ZH_PARTICLES.test(word)) found.push(word);
          });
        });
      } else {
        var word = run.replace(/'/g, "");
        if (word && !isStop(word)) found.push(word);
      }
    });
    return found;
  }

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

  self.kbSearch = { words: words, segment: segment, forms: forms };
})();
