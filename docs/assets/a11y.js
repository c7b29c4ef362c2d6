/* axe's landmark-unique: Material (9.8.2, content.code.copy) wraps each code block's copy
   button in a <nav class="md-code__nav">, so a page with twenty code blocks has twenty
   unnamed navigation landmarks, which a screen reader lists next to the site's real
   navigation. The wrapper is a toolbar of one button, not navigation: role="none" takes the
   landmark away and leaves the button as it is. Material adds the wrappers when it mounts a
   page (a load or an instant navigation, both emit document$), before this subscriber runs;
   the observer catches code blocks mounted later. Upstream: Material should use a <div>.
   No library, no network. */
(function () {
  "use strict";

  function unmark(root) {
    root.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }

  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      if (records[i].addedNodes.length) {
        unmark(document);
        return;
      }
    }
  }).observe(document.body, { childList: true, subtree: true });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { unmark(document); });
  } else {
    unmark(document);
  }
})();
