/* Site search: a pasted error message is searched as its words.

   Material's search (lunr) reads a word that starts with - or + as "without" or "with", a
   word followed by a colon as a field name, and ~ ^ * as operators. Error messages are full of
   them ("axis -1", "https://...", "Quantizer.cpp:111"), and a message pasted whole then finds
   little or nothing. On a paste (or a drop) into the search box, those characters become
   spaces, a message longer than 40 words keeps its first 40 (the part that says what failed;
   the advice after it is worded alike from message to message and only drowns it), and a
   keyup tells Material to search (it reads the box on keyup: a paste from the
   context menu has none). What the reader types is left as typed. Loaded on every page
   (extra_javascript); the listener is on the document, so it survives instant navigation. */
(function () {
  "use strict";

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".md-search__input")) return;
    if (!/^insertFrom(Paste|Drop)/.test(event.inputType || "")) return;
    var plain = box.value.replace(/(^|\s)[-+]+(?=\S)/g, "$1").replace(/[:~^*]/g, " ");
    var words = plain.trim().split(/\s+/);
    if (words.length > 40) plain = words.slice(0, 40).join(" ");
    if (plain !== box.value) box.value = plain;
    box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }, true);
})();
