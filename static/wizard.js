// The wizard's progress bar keeps the current step in view on a narrow screen.
var current = document.querySelector(".progress .current");
if (current) current.scrollIntoView({ block: "nearest", inline: "center" });

// Show a field only when the answer it depends on says so: data-shown-when="has_unit=1".
(function () {
  var form = document.querySelector(".wizard-form");
  if (!form) return;
  function refresh() {
    form.querySelectorAll("[data-shown-when]").forEach(function (field) {
      var rule = field.getAttribute("data-shown-when").split("=");
      var chosen = form.querySelector("input[name='" + rule[0] + "']:checked");
      field.hidden = chosen !== null && chosen.value !== rule[1];
    });
  }
  form.addEventListener("change", refresh);
  refresh();
})();
