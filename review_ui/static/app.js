// Keyboard triage for the queue: j/k move, c/d/e decide, u undo, x select, Enter open. No inline script anywhere.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue tr.hit-row")); }
  function current() { return document.querySelector("#queue tr.hit-row.selected"); }
  function select(row) {
    var old = current();
    if (old) { old.classList.remove("selected"); }
    if (row) { row.classList.add("selected"); row.scrollIntoView({block: "nearest"}); }
  }
  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next]);
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var row = current();
    var key = event.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "u") {
      var undo = lastUndo();
      if (!undo) { return; }
      undo.querySelector('button[data-key="u"]').click();
    }
    else if ((key === "c" || key === "d" || key === "e") && row) {
      var button = row.querySelector('button[data-key="' + key + '"]');
      if (button) { button.click(); }
    } else if ((key === "c" || key === "d" || key === "e") && !row) {
      var single = document.querySelector('#decide-form button[data-key="' + key + '"]');
      if (single) { single.click(); }
    } else if (key === "x" && row) {
      var box = row.querySelector('input[name="sel"]');
      if (box) { box.checked = !box.checked; }
    } else if (key === "Enter" && row) {
      var link = row.querySelector("a.hit-link");
      if (link) { window.location.assign(link.getAttribute("href")); }
    } else { return; }
    event.preventDefault();
  });
  // Undo offers count down and disappear after their seconds; the server refuses a late undo anyway.
  var newestUndo = null;
  function lastUndo() {
    if (newestUndo && document.body.contains(newestUndo)) { return newestUndo; }
    var all = document.querySelectorAll("form.undo");
    return all.length ? all[all.length - 1] : null;
  }
  function armUndo(form) {
    var left = parseInt(form.getAttribute("data-undo-seconds"), 10) || 0;
    var label = form.querySelector(".countdown");
    newestUndo = form;
    var timer = window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        window.clearInterval(timer);
        if (form.parentNode) { form.parentNode.removeChild(form); }
        if (newestUndo === form) { newestUndo = null; }
      } else if (label) { label.textContent = label.textContent.replace(/\d+/, String(left)); }
    }, 1000);
  }
  function armAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form.undo:not([data-armed])"), function (form) {
      form.setAttribute("data-armed", "1");
      armUndo(form);
    });
  }
  // After a decision swaps the row, keep the same position selected and move on to the next hit.
  document.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail && event.detail.target;
    var swapped = row && row.id ? document.getElementById(row.id) : null;
    if (swapped && swapped.classList.contains("hit-row")) {
      armAll(swapped);
      select(swapped);
      if (!swapped.querySelector(".conflict")) { move(1); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    armAll(document);
    var first = rows()[0];
    if (first) { select(first); }
  });
})();
