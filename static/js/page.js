// Every page: when a submission came back with errors, the list of them at the top of the main
// content takes the focus, so a screen reader reads it first, and each of its links puts the focus
// in its field. The messages flashed after an action (such as "Marked present: 12.") are said
// again once the page has loaded, as a status, since a screen reader does not read a live region
// that is already full when the page opens. Without JavaScript the list and the messages are the
// first things in the main content.
(function () {
  "use strict";

  var ANNOUNCE_AFTER = 400; // ms: screen readers watch the live regions of a page once it has loaded
  var ANNOUNCED_FOR = 10000; // ms: then the spoken copy goes, so that reading the page does not repeat it

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return false;
    summary.focus();
    return true;
  }

  function goToField(event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    target.focus();
    var label = target.id && document.querySelector("label[for='" + CSS.escape(target.id) + "']");
    (label || target).scrollIntoView({ block: "center" });
  }

  function sayAgain(region) {
    var text = region.textContent.replace(/\s+/g, " ").trim();
    if (!text) return;
    window.setTimeout(function () {
      var copy = document.createElement("p");
      copy.className = "visually-hidden";
      copy.textContent = text;
      region.appendChild(copy);
      window.setTimeout(function () {
        copy.remove();
      }, ANNOUNCED_FOR);
    }, ANNOUNCE_AFTER);
  }

  document.addEventListener("click", goToField);
  window.workshopPage = { focusErrorSummary: focusErrorSummary };
  focusErrorSummary();
  var notices = document.querySelector("[data-notices]");
  if (notices) sayAgain(notices);
})();
