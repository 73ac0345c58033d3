// The review page: confirmations, the undo of an approval, the return panel, the scan viewer and the keyboard.
(function () {
  "use strict";

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter === button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

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

  var viewer = document.getElementById("viewer");
  var ids = viewer ? JSON.parse(viewer.dataset.files) : [];
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
