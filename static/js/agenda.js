// The agenda in the visitor's own time zone: the button names the zone the browser reports and
// loads the same page with ?tz=<zone>. Without JavaScript the select next to it does the same.
(function () {
  "use strict";
  var button = document.querySelector("[data-my-timezone]");
  if (!button || !window.Intl || !Intl.DateTimeFormat) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || zone === button.getAttribute("data-current")) return;
  button.textContent = button.getAttribute("data-label").replace("__ZONE__", zone);
  button.hidden = false;
  button.addEventListener("click", function () {
    var url = new URL(window.location.href);
    url.searchParams.set("tz", zone);
    url.hash = "";
    window.location.assign(url.toString());
  });
})();
