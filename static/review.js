// The review page: the undo of an approval, the return panel, the scan viewer and the keyboard
// (confirmations are static/confirm.js's).
(function () {
  "use strict";

  var unflagged = document.getElementById("select-unflagged");
  if (unflagged) {
    unflagged.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids]:not([data-flagged])").forEach(function (box) { box.checked = unflagged.checked; });
    });
  }

  var undoBar = document.getElementById("undo-bar");
  if (undoBar) {
    var left = Number(undoBar.dataset.left);
    var told = undoBar.querySelector("span");
    var tick = setInterval(function () {
      left -= 1;
      if (left <= 0) { clearInterval(tick); undoBar.remove(); undoBar = null; return; }
      told.textContent = told.textContent.replace(/\d+ 秒内/, left + " 秒内");
    }, 1000);
  }

  var panel = document.getElementById("return-panel");
  var opener = document.getElementById("return-open");
  function openReturn() {
    if (!panel) return;
    panel.classList.remove("collapsed-panel");
    var first = panel.querySelector("input[type=checkbox], textarea");
    if (first) first.focus();
  }
  if (opener) opener.addEventListener("click", openReturn);

  // Return by pointing: 有误 at a field or a scan opens the reasons of that field first (then its section's);
  // ticks and typed notes gather in the one return form, and the tray sends them all with one 确认退回.
  var popover = document.getElementById("mark-popover");
  var tray = document.getElementById("return-tray");
  var templatesNode = document.getElementById("reason-templates");
  var templates = templatesNode ? JSON.parse(templatesNode.textContent) : [];
  var marking = null;

  function countReasons() {
    if (!panel) return 0;
    var n = panel.querySelectorAll("input[name=templates]:checked, input[name=marks]").length;
    tray.hidden = n === 0;
    tray.querySelector(".return-count").textContent = n;
    document.querySelectorAll("[data-mark]").forEach(function (node) { node.classList.toggle("marked", marked(node.dataset.mark)); });
    return n;
  }
  function marked(key) {
    var parts = key.split("|");
    var ticked = templates.some(function (t) {
      var box = document.getElementById("t" + t.id);
      return box && box.checked && t.section === parts[0] && t.target === parts[1];
    });
    return ticked || [].some.call(panel.querySelectorAll("input[name=marks]"), function (m) { return m.value.indexOf(key + "|") === 0; });
  }
  function openMark(key, label, near) {
    var parts = key.split("|");
    marking = key;
    popover.querySelector(".mark-title").textContent = label + " 有误";
    var list = popover.querySelector(".mark-templates");
    list.textContent = "";
    var mine = templates.filter(function (t) { return t.section === parts[0] && t.target === parts[1]; });
    var section = templates.filter(function (t) { return t.section === parts[0] && t.target === ""; });
    mine.concat(section).forEach(function (t) {
      var box = document.getElementById("t" + t.id);
      if (!box) return;
      var row = document.createElement("label");
      row.className = "d-block mb-1";
      var tick = document.createElement("input");
      tick.type = "checkbox";
      tick.className = "mr-1";
      tick.checked = box.checked;
      tick.addEventListener("change", function () { box.checked = tick.checked; countReasons(); });
      row.appendChild(tick);
      row.appendChild(document.createTextNode(t.text));
      list.appendChild(row);
    });
    if (!mine.length && !section.length) list.textContent = "没有现成的退回原因，请在下面说明";
    popover.querySelector("#mark-text").value = "";
    var box = near.getBoundingClientRect();
    popover.style.top = Math.max(window.scrollY + box.bottom + 4, 0) + "px";
    popover.style.left = Math.max(Math.min(window.scrollX + box.left, window.scrollX + window.innerWidth - 340), 0) + "px";
    popover.hidden = false;
    var first = list.querySelector("input") || popover.querySelector("#mark-text");
    first.focus();
  }
  function closeMark() {
    var text = popover.querySelector("#mark-text").value.trim();
    if (marking && text) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "marks";
      input.value = marking + "|" + text;
      document.getElementById("marks").appendChild(input);
    }
    popover.hidden = true;
    marking = null;
    countReasons();
  }
  if (popover) {
    document.querySelectorAll("[data-mark] .mark-open").forEach(function (button) {
      var fact = button.closest("[data-mark]");
      button.addEventListener("click", function () { openMark(fact.dataset.mark, fact.dataset.label, button); });
    });
    popover.querySelector(".mark-done").addEventListener("click", closeMark);
    popover.querySelector(".mark-close").addEventListener("click", function () {
      popover.querySelector("#mark-text").value = "";
      closeMark();
    });
    panel.addEventListener("change", countReasons);
    document.getElementById("return-tray-submit").addEventListener("click", function () { panel.requestSubmit(); });
    countReasons();
  }

  var viewer = document.getElementById("viewer");
  var ids = viewer ? JSON.parse(viewer.dataset.files) : [];
  var slotKeys = viewer ? JSON.parse(viewer.dataset.slots || "[]") : [];
  var namesNode = document.getElementById("viewer-names");
  var names = namesNode ? JSON.parse(namesNode.textContent) : [];

  // A pane shows one scan inside its stage: fitted at zoom 1, zoomed by the buttons or the wheel (about the
  // pointer), dragged to pan, turned by quarters. The offset is clamped so the scan never leaves the stage
  // and every part of it can be reached; the page itself never grows.
  function Pane(node, start) {
    this.node = node;
    this.stage = node.querySelector(".viewer-stage");
    this.img = node.querySelector("img");
    this.caption = node.querySelector("figcaption");
    this.index = start;
    this.reset();
    var pane = this;
    node.querySelector(".viewer-tools").addEventListener("click", function (event) {
      var act = event.target.closest("[data-act]");
      if (act) pane.act(act.dataset.act);
    });
    this.img.addEventListener("load", function () { pane.reset(); pane.draw(); });
    this.stage.addEventListener("wheel", function (event) {
      event.preventDefault();
      pane.zoomBy(event.deltaY < 0 ? 1.25 : 1 / 1.25, pane.pointer(event));
    }, { passive: false });
    this.stage.addEventListener("pointerdown", function (event) {
      var from = { x: event.clientX - pane.x, y: event.clientY - pane.y };
      pane.stage.setPointerCapture(event.pointerId);
      pane.stage.classList.add("dragging");
      function move(e) { pane.x = e.clientX - from.x; pane.y = e.clientY - from.y; pane.draw(); }
      function up() {
        pane.stage.classList.remove("dragging");
        pane.stage.removeEventListener("pointermove", move);
        pane.stage.removeEventListener("pointerup", up);
        pane.stage.removeEventListener("pointercancel", up);
      }
      pane.stage.addEventListener("pointermove", move);
      pane.stage.addEventListener("pointerup", up);
      pane.stage.addEventListener("pointercancel", up);
    });
    window.addEventListener("resize", function () { pane.draw(); });
  }
  Pane.prototype.reset = function () { this.zoom = 1; this.turn = 0; this.x = 0; this.y = 0; };
  Pane.prototype.show = function (index) {
    if (!ids.length) return;
    this.index = (index + ids.length) % ids.length;
    this.reset();
    this.img.src = this.img.dataset.srcBase + ids[this.index];
    this.img.alt = names[this.index] || "";
    this.caption.textContent = (this.index + 1) + " / " + ids.length + "　" + (names[this.index] || "");
    if (this === panes.main) {
      document.querySelectorAll(".viewer-thumb").forEach(function (thumb, i) {
        thumb.classList.toggle("active", i === panes.main.index);
      });
    }
  };
  Pane.prototype.turned = function () { return this.turn % 180 !== 0; };
  Pane.prototype.scale = function () {
    var w = this.img.naturalWidth || 1, h = this.img.naturalHeight || 1;
    if (this.turned()) { var t = w; w = h; h = t; }
    return Math.min(this.stage.clientWidth / w, this.stage.clientHeight / h) * this.zoom;
  };
  Pane.prototype.pointer = function (event) {
    var box = this.stage.getBoundingClientRect();
    return { x: event.clientX - box.left - box.width / 2, y: event.clientY - box.top - box.height / 2 };
  };
  Pane.prototype.zoomBy = function (factor, about) {
    var before = this.zoom;
    this.zoom = Math.min(Math.max(this.zoom * factor, 1), 8);
    var k = this.zoom / before;
    about = about || { x: 0, y: 0 };
    this.x = about.x - (about.x - this.x) * k;
    this.y = about.y - (about.y - this.y) * k;
    this.draw();
  };
  Pane.prototype.draw = function () {
    var img = this.img, s = this.scale();
    var w = (this.turned() ? img.naturalHeight : img.naturalWidth) * s;
    var h = (this.turned() ? img.naturalWidth : img.naturalHeight) * s;
    var spareX = Math.max((w - this.stage.clientWidth) / 2, 0), spareY = Math.max((h - this.stage.clientHeight) / 2, 0);
    this.x = Math.min(Math.max(this.x, -spareX), spareX);
    this.y = Math.min(Math.max(this.y, -spareY), spareY);
    img.style.transform = "translate(-50%, -50%) translate(" + this.x + "px, " + this.y + "px) rotate(" +
      this.turn + "deg) scale(" + s + ")";
  };
  Pane.prototype.act = function (act) {
    if (act === "prev") this.show(this.index - 1);
    else if (act === "next") this.show(this.index + 1);
    else if (act === "zoom-in") this.zoomBy(1.25);
    else if (act === "zoom-out") this.zoomBy(1 / 1.25);
    else if (act === "rotate") { this.turn = (this.turn + 90) % 360; this.draw(); }
    else if (act === "fit") { this.reset(); this.draw(); }
    else if (act === "split") split(this.index + 1);
    else if (act === "mark") openMark("attachments|" + slotKeys[this.index], names[this.index], this.stage);
    else if (act === "close") { panes.second.node.classList.add("hidden"); viewer.classList.remove("split"); }
  };

  var panes = {};
  function split(index) {
    panes.second.node.classList.remove("hidden");
    viewer.classList.add("split");
    panes.second.show(index);
  }
  if (viewer && ids.length) {
    panes.main = new Pane(viewer.querySelector("[data-pane=main]"), 0);
    panes.second = new Pane(viewer.querySelector("[data-pane=second]"), 1);
    panes.main.show(0);
    document.querySelectorAll(".viewer-thumb").forEach(function (thumb) {
      thumb.addEventListener("click", function () { panes.main.show(Number(thumb.dataset.index)); });
    });
    document.querySelectorAll("[data-file]").forEach(function (button) {
      button.addEventListener("click", function () { split(ids.indexOf(Number(button.dataset.file))); });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var key = event.key.toLowerCase();
    var approve = document.getElementById("approve");
    var next = document.getElementById("next-in-queue");
    if (key === "a" && approve) { event.preventDefault(); approve.click(); }
    else if (key === "r" && panel) { event.preventDefault(); openReturn(); }
    else if (key === "j" && panes.main) panes.main.show(panes.main.index + 1);
    else if (key === "k" && panes.main) panes.main.show(panes.main.index - 1);
    else if (key === "n" && next) { event.preventDefault(); next.click(); }
    else if (key === "u" && undoBar) { event.preventDefault(); undoBar.requestSubmit(); }
  });
})();
