// Forms marked data-live-form (the check-in desk, self check-in, rosters) are sent with fetch() to the
// same address, with the same fields and CSRF token, instead of loading a new page: the parts of
// the page marked data-live-part are replaced by those of the page that comes back (found by id),
// so the live regions among them (role="status", role="alert") are read out by screen readers,
// and the code field is emptied and takes the focus for the next badge. When the answer lists
// errors, the list takes the focus, as after a page load (static/js/page.js).
//
// The request says so (X-Live-Parts), and a page that can answers with its parts alone.
//
// Without JavaScript the forms are sent as usual and the page that comes back says the same.
// When fetch() fails, or the answer is not such a page (an error page, the log-in page after the
// session ended), the form is sent again as usual: the forms served here are idempotent (a badge
// checked in twice is "already checked in"; a mark undone twice is refused the second time).
(function () {
  "use strict";

  var REFILL_AFTER = 50; // ms: a live region emptied, then filled, is read even when the text is the same

  function samePage(response, form) {
    return response.ok && new URL(response.url).pathname === new URL(form.action, document.baseURI).pathname;
  }

  function replaceParts(page) {
    var parts = Array.prototype.slice.call(document.querySelectorAll("[data-live-part]"));
    var fresh = parts.map(function (part) {
      return page.getElementById(part.id);
    });
    if (fresh.indexOf(null) !== -1) return false;
    parts.forEach(function (part, index) {
      if (part.hasAttribute("role") || part.hasAttribute("aria-live")) {
        part.textContent = "";
        window.setTimeout(function () {
          part.innerHTML = fresh[index].innerHTML;
        }, REFILL_AFTER);
      } else {
        part.innerHTML = fresh[index].innerHTML;
      }
    });
    document.title = page.title;
    return true;
  }

  function focusNext(form) {
    if (window.workshopPage && window.workshopPage.focusErrorSummary()) return;
    var field = document.querySelector("[data-live-form] [data-live-focus]");
    if (!field) return;
    field.value = "";
    field.focus();
  }

  function send(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    form.setAttribute("aria-busy", "true");
    return window
      .fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "text/html", "X-Live-Parts": "1" } })
      .then(function (response) {
        if (!samePage(response, form)) throw new Error("not the same page");
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        if (!replaceParts(page)) throw new Error("not the same page");
        form.removeAttribute("aria-busy");
        focusNext(form);
        document.dispatchEvent(new CustomEvent("live-form:answered"));
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        form.submit();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-live-form]") || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return; // one answer at a time
    send(form, event.submitter);
  });
})();
