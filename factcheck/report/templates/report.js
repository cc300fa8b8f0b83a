(function () {
  "use strict";
  // Without this script every claim's details stay visible below one another: the page still
  // reads. With it, one claim at a time shows in the panel.
  var doc = document;
  var details = {};
  var order = [];
  doc.querySelectorAll("[data-detail]").forEach(function (el) {
    details[el.getAttribute("data-detail")] = el;
    order.push(el.getAttribute("data-detail"));
    el.hidden = true;
  });
  var empty = doc.getElementById("fc-empty");
  var triggers = doc.querySelectorAll("[data-claim]");
  var current = null;
  if (empty) { empty.hidden = false; }
  doc.body.classList.add("js");

  function shown(id) {
    var el = details[id];
    return !!el && !doc.body.classList.contains("hide-" + el.getAttribute("data-verdict"));
  }

  function select(id, scroll) {
    if (!Object.prototype.hasOwnProperty.call(details, id)) { return false; }
    current = id;
    order.forEach(function (key) { details[key].hidden = key !== id; });
    if (empty) { empty.hidden = true; }
    triggers.forEach(function (el) {
      var on = el.getAttribute("data-claim") === id;
      el.classList.toggle("selected", on);
      if (el.hasAttribute("aria-pressed")) { el.setAttribute("aria-pressed", on ? "true" : "false"); }
    });
    var target = details[id].id ? doc.getElementById(details[id].id.replace(/^detail-/, "")) : null;
    if (scroll && target) { target.scrollIntoView({ block: "center" }); }
    if (history.replaceState && target) { history.replaceState(null, "", "#" + encodeURIComponent(target.id)); }
    return true;
  }

  function clear() {
    current = null;
    order.forEach(function (key) { details[key].hidden = true; });
    if (empty) { empty.hidden = false; }
    triggers.forEach(function (el) {
      el.classList.remove("selected");
      if (el.hasAttribute("aria-pressed")) { el.setAttribute("aria-pressed", "false"); }
    });
  }

  function step(by) {
    var ids = order.filter(shown);
    if (!ids.length) { return; }
    var i = ids.indexOf(current);
    i = i < 0 ? (by > 0 ? 0 : ids.length - 1) : (i + by + ids.length) % ids.length;
    select(ids[i], true);
    var mark = doc.querySelector("mark[data-claim]#" + CSS.escape(details[ids[i]].id.replace(/^detail-/, "")));
    if (mark) { mark.focus({ preventScroll: true }); }
  }

  doc.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-claim]") : null;
    if (el) { event.preventDefault(); select(el.getAttribute("data-claim"), false); }
  });

  doc.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var claim = target.closest ? target.closest("mark[data-claim]") : null;
    if (claim && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(claim.getAttribute("data-claim"), false);
      return;
    }
    // Typing in a text field is typing; a checkbox or button keeps the shortcuts.
    if (target.matches && target.matches("input:not([type=checkbox]), textarea, select, [contenteditable]")) { return; }
    if (event.key === "j" || event.key === "k") { event.preventDefault(); step(event.key === "j" ? 1 : -1); }
    else if (event.key === "Escape") { clear(); }
  });

  doc.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      doc.body.classList.toggle("hide-" + box.getAttribute("data-filter"), !box.checked);
    });
  });

  function fromHash() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var el = id ? doc.getElementById(id) : null;
    var claim = el && el.getAttribute("data-claim");
    if (claim) { select(claim, true); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
}());
