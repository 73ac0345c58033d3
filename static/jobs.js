// A job's page follows the job: its status polled each second, the bar and counts updated in place, and the
// page reloaded once the job ends, to show its outcome.
(function () {
  var box = document.getElementById("job");
  if (!box || ["queued", "running"].indexOf(box.dataset.state) < 0) return;
  var states = {queued: "排队中", running: "运行中", done: "已完成", failed: "失败"};
  function show(s) {
    document.getElementById("job-state").textContent = states[s.state] || s.state;
    document.getElementById("job-stage").textContent = s.stage || "";
    document.getElementById("job-count").textContent =
      s.total ? s.done + " / " + s.total : (s.done ? "已处理 " + s.done + " 行" : "");
    var bar = document.getElementById("job-progress");
    if (bar && s.total) { bar.max = s.total; bar.value = s.done; }
    else if (bar) { bar.removeAttribute("value"); }
    document.getElementById("job-time").textContent =
      "已用 " + s.elapsed + " 秒" + (s.left !== null ? "，预计还需 " + s.left + " 秒" : "");
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        show(s);
        if (s.state === "done" || s.state === "failed") window.location.reload();
        else setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
