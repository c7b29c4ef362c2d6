/* API map: "Check my code". The reader pastes PyTorch or TensorFlow/Keras code; this lists, in
   order of first use, the APIs it uses that the map has entries for (each with the other side's
   name, a mark on pitfalls and a link to the entry), then the framework names the map does not
   have. Nothing leaves the page: the map is read from api-map.json, next to the page, on the
   first check.

   The reading is src/sidebyside/apimap/usage.py's, line for line (the build measures the map's
   coverage of the site's own code with it, and the browser test checks that both list the same
   for the site's snippets): comments and strings go, imports give aliases, every dotted name is
   written in full (tf.keras. as keras., tensorflow. as tf.) and looked up among the names the
   entries answer for; any other ".name" is looked up among the methods of the frameworks the
   code uses. What the reader typed reaches the page only as text (textContent), never as HTML.

   The form comes hidden from src/sidebyside/apimap/checker.py; without JavaScript it stays
   hidden and the map is as it was. The script runs again on each visit under Material's
   instant navigation, so it sets up whatever page is current. */
(function () {
  "use strict";

  var ROOTS = { torch: "pytorch", torchvision: "pytorch", tf: "tensorflow", keras: "tensorflow" };
  var FRAMEWORKS = ["pytorch", "tensorflow"];
  var LABELS = { pytorch: "PyTorch", tensorflow: "TensorFlow" };
  var SPELLINGS = [["tensorflow.keras.", "keras."], ["tf.keras.", "keras."], ["tensorflow.", "tf."]];
  var METHOD = /\.[A-Z]\w*\.(\w+)$/;
  var NOISE = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|#[^\n]*/g;
  var FROM = /^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)/gm;
  var IMPORT = /^[ \t]*import[ \t]+([^\n]*)/gm;
  var TOKEN = /([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|\.\s*([A-Za-z_]\w*)/g;
  var CALL = /[ \t]*\(/y;

  function fullName(name) {
    var dotted = name + ".";
    for (var i = 0; i < SPELLINGS.length; i++) {
      if (dotted.indexOf(SPELLINGS[i][0]) === 0) {
        return (SPELLINGS[i][1] + dotted.slice(SPELLINGS[i][0].length)).slice(0, -1);
      }
    }
    return name;
  }

  function frameworkOf(name) {
    var root = name.split(".")[0];
    return Object.prototype.hasOwnProperty.call(ROOTS, root) ? ROOTS[root] : null;
  }

  /* Entry ids by the full name they answer for, and by method name per framework. */
  function lookupOf(entries) {
    var lookup = { names: new Map(), methods: { pytorch: new Map(), tensorflow: new Map() } };
    function add(map, key, id) {
      if (!map.has(key)) map.set(key, []);
      map.get(key).push(id);
    }
    entries.forEach(function (entry) {
      FRAMEWORKS.forEach(function (framework) {
        entry.answers[framework].forEach(function (name) {
          add(lookup.names, name, entry.id);
          var method = METHOD.exec(name);
          if (method) add(lookup.methods[framework], method[1], entry.id);
        });
      });
    });
    return lookup;
  }

  /* {alias: full name} from the imports, and the code with the import statements blanked. */
  function imports(code) {
    var aliases = new Map();
    function bind(names, prefix) {
      names.replace(/^[()\s]+|[()\s]+$/g, "").split(",").forEach(function (item) {
        var words = item.split(/\s+/).filter(Boolean);
        if (!words.length || words[0] === "*") return;
        var target = prefix + words[0];
        var renamed = words.length === 3 && words[1] === "as";
        if (renamed || prefix) {
          aliases.set(renamed ? words[2] : words[0], fullName(target));
        } else {
          aliases.set(target.split(".")[0], fullName(target.split(".")[0]));
        }
      });
    }
    code = code.replace(FROM, function (whole, module, names) {
      bind(names, module + ".");
      return whole.replace(/[^\n]/g, "");
    });
    code = code.replace(IMPORT, function (whole, names) {
      bind(names, "");
      return "";
    });
    return { aliases: aliases, code: code };
  }

  /* The full framework name a dotted name stands for; "" for a name that may be a method (its
     head is no import); null for anything else. */
  function resolve(chain, aliases, called) {
    var dot = chain.indexOf(".");
    var head = dot < 0 ? chain : chain.slice(0, dot);
    var rest = dot < 0 ? "" : chain.slice(dot + 1);
    var name;
    if (aliases.has(head)) {
      var target = aliases.get(head);
      /* A name imported alone counts where it is called or is a class (DataLoader), not where
         the word stands for a module or the reader's own variable (layers). */
      if (!rest && (target.indexOf(".") < 0 || !(called || /^[A-Z]/.test(head)))) return null;
      name = fullName(target + (rest ? "." + rest : ""));
    } else if (rest && frameworkOf(chain)) {
      name = fullName(chain);
    } else {
      return rest ? "" : null;
    }
    return frameworkOf(name) && name.indexOf(".__") < 0 ? name : null;
  }

  /* Every framework name the code uses and every method it calls that the map answers for,
     once each, in order of first use: [{written, name, entries}]. */
  function uses(source, lookup) {
    var read = imports(source.replace(NOISE, " "));
    var tokens = [], resolved = [], match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(read.code)) !== null) {
      tokens.push([match[1], match[2]]);
      CALL.lastIndex = TOKEN.lastIndex;
      resolved.push(match[1] ? resolve(match[1], read.aliases, CALL.test(read.code)) : "");
    }
    var used = new Set();
    read.aliases.forEach(function (name) { if (frameworkOf(name)) used.add(frameworkOf(name)); });
    resolved.forEach(function (name) { if (name && frameworkOf(name)) used.add(frameworkOf(name)); });
    var frameworks = FRAMEWORKS.filter(function (fw) { return used.has(fw); });
    if (!frameworks.length) frameworks = FRAMEWORKS;
    var found = new Map();
    tokens.forEach(function (token, i) {
      var name = resolved[i];
      if (name) {
        if (!found.has(name)) found.set(name, { written: token[0], name: name, entries: lookup.names.get(name) || [] });
      } else if (name === "") {
        var attr = token[1] || token[0].slice(token[0].lastIndexOf(".") + 1);
        var ids = [];
        frameworks.forEach(function (fw) { ids = ids.concat(lookup.methods[fw].get(attr) || []); });
        if (ids.length && !found.has("." + attr)) found.set("." + attr, { written: "." + attr, name: "." + attr, entries: ids });
      }
    });
    return Array.from(found.values());
  }

  /* --- the page --------------------------------------------------------------------------- */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Markdown from the map's data as nodes: `code` spans, [links](...) as their text. */
  function inline(parent, text) {
    text.replace(/\*\*/g, "").split("`").forEach(function (part, i) {
      if (i % 2) parent.appendChild(element("code", "", part));
      else parent.appendChild(document.createTextNode(part.replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")));
    });
    return parent;
  }

  function setup() {
    var form = document.querySelector("form.sbs-check");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = form.querySelector("textarea");
    var status = form.querySelector("[role=status]");
    var out = form.querySelector(".sbs-check-result");
    var mapUrl = new URL(form.dataset.map, document.baseURI);
    var loaded = null, timer = null;

    function load() {
      if (!loaded) {
        loaded = fetch(mapUrl).then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + response.statusText);
          return response.json();
        }).then(function (data) {
          var byId = new Map();
          data.entries.forEach(function (entry) { byId.set(entry.id, entry); });
          return { byId: byId, lookup: lookupOf(data.entries) };
        });
        loaded.catch(function () { loaded = null; });
      }
      return loaded;
    }

    function entryItem(entry, framework) {
      var other = framework === "pytorch" ? "tensorflow" : "pytorch";
      var item = element("li");
      var link = element("a", "", entry.concept);
      link.href = new URL("../" + entry.url, mapUrl).href;
      item.appendChild(link);
      item.appendChild(document.createTextNode(": " + LABELS[other] + " "));
      item.appendChild(element("code", "", entry.names[other]));
      if (entry.check === "differs") {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element("strong", "sbs-check-pitfall", "Pitfall:"));
        item.appendChild(document.createTextNode(" "));
        inline(item, entry.differences[0] || "");
      }
      return item;
    }

    function show(map, found, code) {
      var covered = found.filter(function (use) { return use.entries.length; });
      var missing = found.filter(function (use) { return !use.entries.length; });
      var pitfalls = covered.filter(function (use) {
        return use.entries.some(function (id) { return map.byId.get(id).check === "differs"; });
      }).length;
      out.textContent = "";
      if (!found.length) {
        status.textContent = code.trim() ? "No PyTorch, TensorFlow or Keras name found in this code."
          : "Paste code above to check it.";
        return;
      }
      out.appendChild(element("h3", "", "In the map (" + covered.length + ")"));
      var list = out.appendChild(element("ol", "sbs-check-found"));
      covered.forEach(function (use) {
        var item = list.appendChild(element("li"));
        item.dataset.name = use.name;
        item.appendChild(element("code", "", use.written));
        if (use.written !== use.name) {
          item.appendChild(document.createTextNode(" ("));
          item.appendChild(element("code", "", use.name));
          item.appendChild(document.createTextNode(")"));
        }
        var entries = item.appendChild(element("ul"));
        use.entries.forEach(function (id) {
          var entry = map.byId.get(id);
          var framework = use.name.charAt(0) === "." ? (entry.answers.pytorch.some(function (n) {
            return n.slice(n.lastIndexOf(".")) === use.name;
          }) ? "pytorch" : "tensorflow") : frameworkOf(use.name);
          entries.appendChild(entryItem(entry, framework));
        });
      });
      out.appendChild(element("h3", "", "Not in the map (" + missing.length + ")"));
      var absent = out.appendChild(element("ul", "sbs-check-missing"));
      missing.forEach(function (use) { absent.appendChild(element("li")).appendChild(element("code", "", use.name)); });
      status.textContent = covered.length + " of the APIs this code uses " + (covered.length === 1 ? "is" : "are")
        + " in the map, " + pitfalls + (pitfalls === 1 ? " of them a pitfall" : " of them pitfalls") + "; "
        + missing.length + (missing.length === 1 ? " name is" : " names are") + " not in the map.";
    }

    /* The textarea's value is read once per check: on a large paste each read costs time. */
    var latest = 0;
    function check() {
      clearTimeout(timer);
      var code = input.value, number = ++latest;
      load().then(function (map) { if (number === latest) show(map, uses(code, map.lookup), code); }, function (error) {
        status.textContent = "The map could not be read (" + error.message + "): reload the page to try again.";
      });
    }

    /* The button is type=button: a form submission walks a large textarea's value first. */
    form.addEventListener("submit", function (event) { event.preventDefault(); check(); });
    form.querySelector("button").addEventListener("click", check);
    /* A paste is checked at once, before the browser lays out what was pasted (on a large
       paste that takes longer than the check); typing waits for a pause. */
    input.addEventListener("input", function (event) {
      clearTimeout(timer);
      if (/^insertFrom(Paste|Drop)/.test(event.inputType || "")) check();
      else timer = setTimeout(check, 250);
    });
    form.hidden = false;
  }

  /* The reading alone, for the browser test that compares it with usage.py's on many files. */
  window.sbsCheckCode = { uses: uses, lookupOf: lookupOf };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
