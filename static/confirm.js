// What inline handlers did, for a policy that runs no inline script: a form or button with data-confirm
// asks before it submits; a select with data-autosubmit submits its form when changed; a console list's
// 批量操作 item runs Flask-Admin's action (templates/admin/actions.html).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
}, true);
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
document.addEventListener("click", function (event) {
  var item = event.target.closest("[data-model-action]");
  if (!item) return;
  event.preventDefault();
  window.modelActions.execute(item.dataset.modelAction);
});
