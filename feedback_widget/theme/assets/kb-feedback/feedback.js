/*
 * "Was this article helpful?" on article pages.
 *
 * Un-hides the feedback form Material renders, relabels it in the article's language, and sends each vote to the
 * endpoint (same origin by default). "No" opens an optional reason and comment. A vote that cannot be sent now
 * (endpoint down, network gone) waits in localStorage and is sent on a later page view: the reader never sees
 * an error. Every text is set with textContent, never as HTML. No request leaves this site.
 */
(function () {
  "use strict";

  var CLIENT_KEY = "kb-feedback.client";
  var OUTBOX_KEY = "kb-feedback.outbox";
  var OUTBOX_MAX = 20;
  var OUTBOX_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
  var REASONS = ["outdated", "unclear", "not_solved", "missing"];
  var COMMENT_MAX = 1000;

  function readSettings() {
    var node = document.getElementById("__kb_feedback");
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  // localStorage can be missing or refuse writes (private windows, full quota): the widget then works without.
  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* nothing to keep it in: the vote is simply not retried */
    }
  }

  // A random id, so the endpoint can count a reader's repeated votes on an article once a day; it says nothing
  // about who the reader is.
  function clientId() {
    var id = load(CLIENT_KEY);
    if (id && /^[0-9a-f]{32}$/.test(id)) return id;
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    id = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    store(CLIENT_KEY, id);
    return id;
  }

  function readOutbox() {
    var items;
    try {
      items = JSON.parse(load(OUTBOX_KEY) || "[]");
    } catch (e) {
      items = [];
    }
    var now = Date.now();
    return Array.isArray(items) ? items.filter(function (item) {
      return item && item.vote && typeof item.endpoint === "string" && now - item.queued < OUTBOX_MAX_AGE_MS;
    }) : [];
  }

  function writeOutbox(items) {
    store(OUTBOX_KEY, JSON.stringify(items.slice(-OUTBOX_MAX)));
  }

  // A later vote on an article replaces the earlier one on the server, so an older queued vote for the same
  // article must never be sent after it.
  function forget(article) {
    writeOutbox(readOutbox().filter(function (item) { return item.vote.article !== article; }));
  }

  function enqueue(endpoint, vote, queued) {
    var items = readOutbox().filter(function (item) { return item.vote.article !== vote.article; });
    items.push({ endpoint: endpoint, vote: vote, queued: queued });
    writeOutbox(items);
  }

  // true when the endpoint kept the vote or refused it for good (sending it again would not help).
  function post(endpoint, vote) {
    return window.fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(vote),
      credentials: "same-origin",
      keepalive: true
    }).then(function (response) {
      var retry = response.status === 408 || response.status === 429 || response.status >= 500;
      return !retry;
    }, function () {
      return false;
    });
  }

  function send(endpoint, vote, queued) {
    return post(endpoint, vote).then(function (done) {
      if (done) forget(vote.article);
      else enqueue(endpoint, vote, queued || Date.now());
    });
  }

  // Oldest first, one at a time, so that the latest vote on an article is also the last to arrive.
  function flushOutbox() {
    readOutbox().reduce(function (previous, item) {
      return previous.then(function () { return send(item.endpoint, item.vote, item.queued); });
    }, Promise.resolve());
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function buildDetails(labels) {
    var form = element("form", { "class": "kb-feedback__details", hidden: "" });
    var reasons = element("fieldset", { "class": "kb-feedback__reasons" });
    reasons.appendChild(element("legend", {}, labels.reasons));
    REASONS.forEach(function (reason) {
      var label = element("label", { "class": "kb-feedback__reason" });
      label.appendChild(element("input", { type: "radio", name: "reason", value: reason }));
      label.appendChild(document.createTextNode(" " + labels[reason]));
      reasons.appendChild(label);
    });
    form.appendChild(reasons);
    form.appendChild(element("label", { "class": "kb-feedback__comment-label", "for": "kb-feedback-comment" }, labels.comment));
    form.appendChild(element("textarea", { id: "kb-feedback-comment", name: "comment", rows: "3", maxlength: String(COMMENT_MAX) }));
    form.appendChild(element("button", { type: "submit", "class": "md-button md-button--primary kb-feedback__send" }, labels.send));
    return form;
  }

  function relabelRatings(form, labels) {
    var title = form.querySelector(".md-feedback__title");
    if (title) title.textContent = labels.question;
    var buttons = Array.prototype.slice.call(form.querySelectorAll(".md-feedback__list button[data-md-value]"));
    buttons.forEach(function (button) {
      var helpful = button.getAttribute("data-md-value") === "1";
      var text = helpful ? labels.yes : labels.no;
      button.setAttribute("title", text);
      button.setAttribute("aria-pressed", "false");
      button.classList.add("kb-feedback__rating");
      var icon = button.querySelector("svg");
      if (icon) icon.setAttribute("aria-hidden", "true");
      button.appendChild(element("span", { "class": "kb-feedback__label" }, text));
    });
    // Material's own notes would repeat our status line.
    var notes = form.querySelector(".md-feedback__note");
    if (notes) notes.hidden = true;
    return buttons;
  }

  function mount(settings) {
    var form = document.forms.feedback;
    if (!form || form.hasAttribute("data-kb-feedback") || !settings.labels) return;
    form.setAttribute("data-kb-feedback", settings.article);
    var labels = settings.labels;
    var client = clientId();
    var buttons = relabelRatings(form, labels);
    var details = buildDetails(labels);
    // Present (empty) from the start: screen readers announce a live region's changes, not its arrival.
    var status = element("p", { "class": "kb-feedback__status", role: "status", "aria-live": "polite", tabindex: "-1" });
    // Under the buttons: first the status line ("... tell us more below"), then the reason and comment form.
    form.insertAdjacentElement("afterend", details);
    form.insertAdjacentElement("afterend", status);

    function vote(helpful, extra) {
      var body = { article: settings.article, helpful: helpful, client: client };
      Object.keys(extra || {}).forEach(function (key) { if (extra[key]) body[key] = extra[key]; });
      send(settings.endpoint, body);
    }

    // Enter in a field must not cast a vote through Material's submit buttons.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    buttons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var helpful = button.getAttribute("data-md-value") === "1";
        buttons.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
        details.hidden = helpful;
        status.textContent = helpful ? labels.thanks : labels.thanks_no;
        vote(helpful);
      });
    });
    details.addEventListener("submit", function (event) {
      event.preventDefault();
      var reason = details.querySelector("input[name=reason]:checked");
      var comment = details.elements.comment.value.trim().slice(0, COMMENT_MAX);
      // The "No" is already in; it is sent again only to add what the reader wrote, replacing the first.
      if (reason || comment) vote(false, { reason: reason && reason.value, comment: comment });
      details.hidden = true;
      status.textContent = labels.thanks;
      status.focus();
    });
    form.hidden = false;
  }

  // Settings are read again for every page: with Material's instant navigation this script is loaded once and
  // each new page brings its own article id (Material swaps the <head> elements and the content), so a vote is
  // never filed under the page the reader came from.
  function mountPage() {
    var settings = readSettings();
    if (settings && settings.article) mount(settings);
  }

  function start() {
    flushOutbox();
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(mountPage);
    } else {
      mountPage();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
