// The attendance table: buttons that set every row to one status at once. The page works
// without them; no inline scripts, so a strict Content-Security-Policy can stay on.
(() => {
  "use strict";

  document.querySelectorAll("[data-attendance]").forEach((form) => {
    form.querySelectorAll("[data-js-only]").forEach((element) => {
      element.hidden = false;
    });
    form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-attendance-all]");
      if (!button) {
        return;
      }
      const status = button.dataset.attendanceAll;
      form.querySelectorAll(`input[type="radio"][value="${status}"]`).forEach((radio) => {
        radio.checked = true;
      });
    });
  });
})();
