// The review page: confirm before a decision, the return panel, the scan viewer and the keyboard.
(function () {
  "use strict";

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter === button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

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

  function Pane(node, start) {
    this.node = node;
    this.img = node.querySelector("img");
    this.caption = node.querySelector("figcaption");
    this.index = start;
    this.zoom = 0; // 0 = fit to the pane
    this.turn = 0;
    var pane = this;
    node.querySelector(".viewer-tools").addEventListener("click", function (event) {
      var act = event.target.closest("[data-act]");
      if (act) pane.act(act.dataset.act);
    });
    this.img.addEventListener("load", function () { pane.draw(); });
  }
  Pane.prototype.show = function (index) {
    if (!ids.length) return;
    this.index = (index + ids.length) % ids.length;
    this.zoom = 0;
    this.turn = 0;
    this.img.src = this.img.dataset.srcBase + ids[this.index];
    this.img.alt = names[this.index] || "";
    this.caption.textContent = (this.index + 1) + " / " + ids.length + "　" + (names[this.index] || "");
    if (this === panes.main) {
      document.querySelectorAll(".viewer-thumb").forEach(function (thumb, i) {
        thumb.classList.toggle("active", i === panes.main.index);
      });
    }
  };
  Pane.prototype.draw = function () {
    var img = this.img;
    img.classList.toggle("fit", this.zoom === 0);
    img.style.width = this.zoom === 0 ? "" : Math.round(img.naturalWidth * this.zoom) + "px";
    img.style.transform = this.turn ? "rotate(" + this.turn + "deg)" : "";
  };
  Pane.prototype.act = function (act) {
    var natural = this.img.naturalWidth || 1;
    var current = this.zoom || this.img.clientWidth / natural;
    if (act === "prev") this.show(this.index - 1);
    else if (act === "next") this.show(this.index + 1);
    else if (act === "zoom-in") { this.zoom = Math.min(current * 1.25, 8); this.draw(); }
    else if (act === "zoom-out") { this.zoom = Math.max(current / 1.25, 0.1); this.draw(); }
    else if (act === "rotate") { this.turn = (this.turn + 90) % 360; this.draw(); }
    else if (act === "fit") { this.zoom = 0; this.draw(); }
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
  });
})();
