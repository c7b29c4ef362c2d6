/* Decision matrix: weigh the criteria, get a ranked recommendation.

   The page (docs/decision/index.md) holds the data as JSON in
   <script type="application/json" id="decision-data"> (written by src/sidebyside/decision.py,
   which explains its shape) and an empty <div id="decision-widget">. This script fills the div: one group of radio
   buttons per criterion (weights 0 to 3), and a result in an aria-live region.

   Score: for each criterion, weight x 1 for the framework its verdict favours, weight x 0.5
   for each when the verdict is even, 0 for the other. The reasons shown are the criteria with
   the largest weights among those that favoured the winner.

   Weights live in the query string, ?w=<id>:<weight>,<id>:<weight>,... so they cannot clash
   with heading anchors, which use the hash. Material makes every link absolute when a page
   loads, so its in-page links (table of contents, permalinks) carry the query the page was
   loaded with; each change of weights rewrites those links' query too, and following them
   keeps the weights in the address. Unknown ids, malformed pairs and weights outside 0..max
   are ignored, and those criteria keep the default weight.

   No library, no network. Only the decision page loads it (a <script> in its content), on a
   full load and on each of Material's instant navigations to it; without the widget it does
   nothing. That includes the first in-page link followed after a full load: Material's location
   subject starts empty, so it takes the first location it is given for a new page, fetches this
   page again and replaces its content, and the widget is built again from the address. */
(function () {
  "use strict";

  var PARAM = "w";
  var MARKER = "sbs-decision-data/1";
  var LEVELS = ["ignore", "matters", "important", "decisive"];

  /* The data: ["sbs-decision-data/1", {...}]. After Material's instant navigation the element
     has lost its id and type (Material re-creates inline scripts from their text alone), so it
     is also looked for by the marker its text starts with. */
  function readData() {
    var element = document.getElementById("decision-data");
    if (!element) {
      element = Array.prototype.find.call(document.querySelectorAll("script:not([src])"), function (script) {
        return script.textContent.lastIndexOf('["' + MARKER + '",', 0) === 0;
      });
    }
    if (!element) return null;
    try {
      var payload = JSON.parse(element.textContent);
      var data = Array.isArray(payload) && payload[0] === MARKER ? payload[1] : null;
      return data && Array.isArray(data.criteria) ? data : null;
    } catch (error) {
      return null;
    }
  }

  function defaults(data) {
    var weights = {};
    data.criteria.forEach(function (criterion) {
      weights[criterion.id] = data.defaultWeight;
    });
    return weights;
  }

  /* The weights in a query string; anything invalid leaves that criterion's default. */
  function parseWeights(search, data) {
    var weights = defaults(data);
    var raw = new URLSearchParams(search).get(PARAM);
    if (!raw) return weights;
    raw.split(",").forEach(function (pair) {
      var match = /^([a-z0-9-]+):(\d+)$/.exec(pair.trim());
      if (!match || !Object.prototype.hasOwnProperty.call(weights, match[1])) return;
      var weight = Number(match[2]);
      if (weight >= 0 && weight <= data.maxWeight) weights[match[1]] = weight;
    });
    return weights;
  }

  /* Replace (not push) the address: the weights, other parameters and the hash kept. */
  function writeWeights(weights, data) {
    var params = new URLSearchParams(window.location.search);
    params.delete(PARAM);
    var rest = params.toString();
    var value = data.criteria
      .map(function (criterion) {
        return criterion.id + ":" + weights[criterion.id];
      })
      .join(",");
    var query = "?" + (rest ? rest + "&" : "") + PARAM + "=" + value;
    window.history.replaceState(
      window.history.state,
      "",
      window.location.pathname + query + window.location.hash
    );
    syncPageLinks();
  }

  /* Links to this page's own sections carry the current query, so following one keeps it. */
  function syncPageLinks() {
    var here = window.location;
    document.querySelectorAll("a[href]").forEach(function (link) {
      var url;
      try {
        url = new URL(link.getAttribute("href"), here.href);
      } catch (error) {
        return;
      }
      if (url.origin !== here.origin || url.pathname !== here.pathname || !url.hash) return;
      if (url.search === here.search) return;
      url.search = here.search;
      link.setAttribute("href", url.toString());
    });
  }

  function clearWeights() {
    var params = new URLSearchParams(window.location.search);
    params.delete(PARAM);
    var rest = params.toString();
    window.history.replaceState(
      window.history.state,
      "",
      window.location.pathname + (rest ? "?" + rest : "") + window.location.hash
    );
    syncPageLinks();
  }

  function score(data, weights) {
    var result = { pytorch: 0, tensorflow: 0, total: 0 };
    data.criteria.forEach(function (criterion) {
      var weight = weights[criterion.id];
      result.total += weight;
      if (criterion.verdict === "even") {
        result.pytorch += weight / 2;
        result.tensorflow += weight / 2;
      } else {
        result[criterion.verdict] += weight;
      }
    });
    return result;
  }

  /* Criteria favouring `framework` with a weight above 0: largest weight first, then table order. */
  function favouring(data, weights, framework) {
    return data.criteria
      .map(function (criterion, index) {
        return { criterion: criterion, weight: weights[criterion.id], index: index };
      })
      .filter(function (entry) {
        return entry.weight > 0 && entry.criterion.verdict === framework;
      })
      .sort(function (a, b) {
        return b.weight - a.weight || a.index - b.index;
      });
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else if (name === "html") node.innerHTML = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function number(value) {
    return String(Math.round(value * 2) / 2);
  }

  function verdictBadge(data, verdict) {
    var label = verdict === "even" ? "Even" : data.labels[verdict];
    return el("span", { class: "sbs-verdict sbs-verdict--" + verdict, text: label });
  }

  /* One reason: the criterion, its weight, its sentence, and the evidence for what the
     favoured framework offers (at most three links; the table has them all). */
  function reason(entry, framework) {
    var criterion = entry.criterion;
    var links = el("span", { class: "sbs-decision__evidence" }, ["Evidence: "]);
    (criterion.evidence[framework] || []).slice(0, 3).forEach(function (item, i) {
      if (i > 0) links.appendChild(document.createTextNode(" · "));
      var text = item.label + (item.read ? " (read " + item.read + ")" : "");
      links.appendChild(el("a", { href: item.href, text: text }));
    });
    return el("li", {}, [
      el("strong", { text: criterion.criterion }),
      " (weight " + entry.weight + "): ",
      el("span", { html: criterion.why }),
      " ",
      links,
    ]);
  }

  function reasonList(entries, limit, framework) {
    return el(
      "ol",
      { class: "sbs-decision__reasons" },
      entries.slice(0, limit).map(function (entry) {
        return reason(entry, framework);
      })
    );
  }

  function bar(data, framework, value, total) {
    var share = total > 0 ? (100 * value) / total : 0;
    return el("div", { class: "sbs-decision__score sbs-decision__score--" + framework }, [
      el("span", { class: "sbs-decision__name", text: data.labels[framework] }),
      el("span", { class: "sbs-decision__points", text: number(value) + " of " + number(total) }),
      el("span", { class: "sbs-decision__bar", "aria-hidden": "true" }, [
        el("span", { style: "width: " + share.toFixed(1) + "%" }),
      ]),
    ]);
  }

  /* Both frameworks' scores as bars. */
  function scores(data, result) {
    return el(
      "div",
      { class: "sbs-decision__scores" },
      ["pytorch", "tensorflow"].map(function (framework) {
        return bar(data, framework, result[framework], result.total);
      })
    );
  }

  /* The one-line summary that stays in view while the weights scroll (the region announces). */
  function renderStatus(status, data, weights) {
    var result = score(data, weights);
    var high = Math.max(result.pytorch, result.tensorflow);
    var low = Math.min(result.pytorch, result.tensorflow);
    if (result.total === 0) status.textContent = "No weights given";
    else if (high === low) status.textContent = "A tie, " + number(high) + " each";
    else {
      var leader = result.pytorch > result.tensorflow ? "pytorch" : "tensorflow";
      status.textContent =
        "Recommendation: " + data.labels[leader] + ", " + number(high) + " to " + number(low);
    }
  }

  function renderResult(region, data, weights) {
    var result = score(data, weights);
    var frameworks = ["pytorch", "tensorflow"];
    var parts = [];
    if (result.total === 0) {
      parts.push(
        el("p", {
          class: "sbs-decision__headline",
          text: "Every weight is 0: give at least one criterion a weight to get a recommendation.",
        })
      );
      region.replaceChildren.apply(region, parts);
      return;
    }
    var winner = null;
    if (result.pytorch > result.tensorflow) winner = "pytorch";
    else if (result.tensorflow > result.pytorch) winner = "tensorflow";

    if (winner) {
      var loser = winner === "pytorch" ? "tensorflow" : "pytorch";
      parts.push(
        el("p", { class: "sbs-decision__headline" }, [
          "Recommendation: ",
          el("strong", { text: data.labels[winner] }),
          ", " + number(result[winner]) + " to " + number(result[loser]) + ".",
        ])
      );
      parts.push(scores(data, result));
      parts.push(el("p", { class: "sbs-decision__subhead", text: "The reasons that drove it" }));
      parts.push(reasonList(favouring(data, weights, winner), 3, winner));
      var against = favouring(data, weights, loser);
      if (against.length) {
        parts.push(
          el("p", {
            class: "sbs-decision__subhead",
            text: "What speaks for " + data.labels[loser] + " instead",
          })
        );
        parts.push(reasonList(against, 2, loser));
      } else {
        parts.push(el("p", { text: "No criterion you weighted favours " + data.labels[loser] + "." }));
      }
    } else {
      parts.push(
        el("p", { class: "sbs-decision__headline" }, [
          el("strong", { text: "A tie" }),
          ", " + number(result.pytorch) + " each: these weights do not separate the two. " +
            "Build a small proof of concept in both, starting with the criteria below.",
        ])
      );
      parts.push(scores(data, result));
      frameworks.forEach(function (framework) {
        var entries = favouring(data, weights, framework);
        if (!entries.length) return;
        parts.push(
          el("p", { class: "sbs-decision__subhead", text: "What speaks for " + data.labels[framework] })
        );
        parts.push(reasonList(entries, 2, framework));
      });
      if (!favouring(data, weights, "pytorch").length && !favouring(data, weights, "tensorflow").length) {
        parts.push(el("p", { text: "Every criterion you weighted is even." }));
      }
    }
    region.replaceChildren.apply(region, parts);
  }

  function control(data, criterion, weight, index) {
    var questionId = "decision-question-" + criterion.id;
    var options = [];
    for (var value = 0; value <= data.maxWeight; value++) {
      var input = el("input", {
        type: "radio",
        name: "decision-weight-" + criterion.id,
        value: String(value),
        "aria-describedby": questionId,
      });
      input.checked = value === weight;
      input.setAttribute("data-criterion", criterion.id);
      options.push(
        el("label", { class: "sbs-weight__option" }, [
          input,
          el("span", {}, [
            el("span", { class: "sbs-weight__value", text: String(value) }),
            " " + (LEVELS[value] || ""),
          ]),
        ])
      );
    }
    return el("fieldset", { class: "sbs-weight", "data-criterion": criterion.id }, [
      el("legend", {}, [
        el("span", { class: "sbs-weight__name", text: criterion.criterion }),
        el("span", { class: "sbs-sr-only", text: ", verdict: " }),
        verdictBadge(data, criterion.verdict),
      ]),
      el("p", { class: "sbs-weight__question", id: questionId, html: criterion.question }),
      el("div", { class: "sbs-weight__options" }, options),
    ]);
  }

  function init() {
    var root = document.getElementById("decision-widget");
    if (!root || root.getAttribute("data-ready") === "true") return;
    var data = readData();
    if (!data) return;
    root.setAttribute("data-ready", "true");

    var weights = parseWeights(window.location.search, data);

    var region = el("div", {
      class: "sbs-decision__result",
      id: "decision-result",
      "aria-live": "polite",
    });
    var controls = el(
      "div",
      { class: "sbs-decision__controls" },
      data.criteria.map(function (criterion, index) {
        return control(data, criterion, weights[criterion.id], index);
      })
    );
    var reset = el("button", { type: "button", class: "md-button sbs-decision__reset", text: "Reset all weights to 1" });
    var note = el("p", {
      class: "sbs-decision__note",
      text: "The address bar holds these weights: copy it to share them or to come back to them.",
    });
    var panel = el("section", { class: "sbs-decision__panel", "aria-labelledby": "decision-result-title" }, [
      el("p", { class: "sbs-decision__title", id: "decision-result-title", text: "Result" }),
      region,
      note,
      reset,
    ]);
    var status = el("p", { class: "sbs-decision__status", "aria-hidden": "true" });
    var form = el("form", { class: "sbs-decision__form", "aria-label": "Weights of the criteria" }, [
      status,
      controls,
    ]);
    var update = function () {
      renderResult(region, data, weights);
      renderStatus(status, data, weights);
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (!target || target.type !== "radio") return;
      weights[target.getAttribute("data-criterion")] = Number(target.value);
      writeWeights(weights, data);
      update();
    });
    reset.addEventListener("click", function () {
      weights = defaults(data);
      form.querySelectorAll("input[type=radio]").forEach(function (input) {
        input.checked = Number(input.value) === weights[input.getAttribute("data-criterion")];
      });
      clearWeights();
      update();
    });

    root.replaceChildren(form, panel);
    update();
  }

  /* The page loads this file from a <script> inside its content, not on every page of the site
     (Lighthouse: scripts only where they are used), and Material's instant navigation runs
     content scripts again on each visit: so it sets up the page that is current when it runs,
     and subscribes to nothing that would outlive the page. */
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
