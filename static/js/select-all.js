// A "select all" checkbox (data-select-all="NAME", in a table's header) ticks or unticks every
// enabled checkbox named NAME in its form, and shows whether all, some or none of them are ticked.
// Without JavaScript it stays hidden and each row is ticked on its own.
(function () {
  "use strict";

  function rowBoxes(master) {
    var form = master.form;
    if (!form) return [];
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "checkbox" && element.name === master.dataset.selectAll && !element.disabled;
    });
  }

  function showState(master) {
    var boxes = rowBoxes(master);
    var ticked = boxes.filter(function (box) {
      return box.checked;
    }).length;
    master.checked = boxes.length > 0 && ticked === boxes.length;
    master.indeterminate = ticked > 0 && ticked < boxes.length;
    master.disabled = boxes.length === 0;
  }

  function masters() {
    return Array.prototype.slice.call(document.querySelectorAll("input[data-select-all]"));
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[data-select-all]")) {
      rowBoxes(target).forEach(function (box) {
        box.checked = target.checked;
      });
      target.indeterminate = false;
      return;
    }
    masters().forEach(function (master) {
      if (target.form === master.form && target.name === master.dataset.selectAll) showState(master);
    });
  });

  masters().forEach(function (master) {
    master.closest("[data-select-all-box]").hidden = false;
    showState(master);
    // Rows replaced in place (a roster sent with data-live-form) change what "all" means.
    if (master.form && window.MutationObserver) {
      new MutationObserver(function () {
        showState(master);
      }).observe(master.form, { childList: true, subtree: true });
    }
  });
})();
