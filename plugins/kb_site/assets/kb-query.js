/*
 * Queries as customers type them, for the site search (kb-search.js in Material's worker, kb-pagefind.js in the
 * page): question words and filler removed in English and Chinese, Chinese segmented against the index's words.
 * Sets self.kbQuery = {words, segment, forms}.
 */
(function () {
  "use strict";

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
  // Where Lunr's stop word list is not loaded (Pagefind's search runs in the page): the words of a question.
  var EN_QUESTION_WORDS = {
    a: 1, an: 1, the: 1, i: 1, my: 1, me: 1, do: 1, does: 1, did: 1, how: 1, can: 1, could: 1, to: 1, is: 1, it: 1,
    of: 1, for: 1, on: 1, in: 1, at: 1, what: 1, where: 1, why: 1, when: 1, which: 1, get: 1, got: 1, be: 1, am: 1,
    are: 1, was: 1, with: 1, and: 1, or: 1, your: 1, you: 1, this: 1, that: 1, there: 1, will: 1, would: 1,
    should: 1, have: 1, has: 1, had: 1, if: 1, so: 1, from: 1, by: 1, as: 1, but: 1, just: 1, still: 1,
  };
  var ZH_FILLER = [
    "请问", "怎么办", "怎么回事", "怎么样", "怎么", "怎样", "如何", "为什么", "为啥", "我想要", "我想", "我要",
    "想要", "能不能", "可不可以", "可以", "能否", "是否", "一下", "帮我", "我的", "我",
  ];
  var ZH_PARTICLES = /^[吗呢吧啊呀了么的]+$/;
  var ZH_TAIL = /[吗呢吧啊呀么]+$/;
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
    if (EN_EXTRA_STOP[word] || EN_QUESTION_WORDS[word]) return true;
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
  // Without `has` (an engine that segments Chinese itself), each Chinese run is kept whole.
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
          if (!has) {
            part = part.replace(ZH_TAIL, "");
            if (part) found.push(part);
            return;
          }
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

  self.kbQuery = { words: words, segment: segment, forms: forms };
})();
