/* Pickers for people in a hurry.
 *
 * - every <select data-picker> becomes a Tom Select (static/vendor/tom-select): type a few
 *   characters of the name, or its pinyin initials (each option carries them in data-py:
 *   "cgj chengguanju" for 城管局), arrows to move, Enter to choose, Tab to go on;
 * - the intake page's suggestion lists (regions, categories) are reached with the arrow keys
 *   from their field, and Escape goes back to it.
 */
(function () {
  "use strict";

  function pickers(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-picker]").forEach(function (select) {
      if (select.tomselect) return;
      new TomSelect(select, {
        searchField: ["text", "py"],
        maxOptions: 500,
        selectOnTab: true,
        closeAfterSelect: true,
        plugins: select.multiple ? ["remove_button"] : [],
        render: {
          no_results: function () {
            return '<div class="no-results">' + (select.dataset.noResults || "—") + "</div>";
          },
        },
      });
    });
  }

  // Arrow keys between a field and the suggestion buttons under it.
  var LISTS = { id_category_search: "category-suggestions", id_address: "region-suggestions" };

  function buttons(box) {
    return box ? Array.prototype.slice.call(box.querySelectorAll("button")) : [];
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (LISTS[target.id] && event.key === "ArrowDown") {
      var first = buttons(document.getElementById(LISTS[target.id]))[0];
      if (first) { first.focus(); event.preventDefault(); }
      return;
    }
    var box = target.closest && target.closest(".suggestions");
    if (!box || target.tagName !== "BUTTON") return;
    var all = buttons(box), at = all.indexOf(target);
    var field = Object.keys(LISTS).find(function (id) { return LISTS[id] === box.parentElement.id; });
    if (event.key === "ArrowDown" && at < all.length - 1) { all[at + 1].focus(); event.preventDefault(); }
    else if (event.key === "ArrowUp" && at > 0) { all[at - 1].focus(); event.preventDefault(); }
    else if ((event.key === "ArrowUp" || event.key === "Escape") && field) {
      document.getElementById(field).focus();
      if (event.key === "Escape") box.parentElement.innerHTML = "";
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { pickers(document); });
  document.addEventListener("htmx:afterSettle", function (event) { pickers(event.target); });
  window.hotlinePickers = pickers;
})();
