// The result form: the resolution text is editable only for "geändert beschlossen" (it is
// still sent, so the service judges it), and the sums of the votes by Fraktion run under
// their columns, marked when they differ from the totals. A committee's recommendation
// offers its wording with one click: the button fills the resolution text and chooses the
// result that fits it. A refused form puts its summary of errors in focus. The form works
// without this.
(() => {
  "use strict";

  document.querySelectorAll("[data-decision-form]").forEach((form) => {
    const amended = form.dataset.amendedResult;
    const text = form.querySelector("[data-resolution-text]");
    const results = Array.from(form.querySelectorAll("[data-decision-result]"));

    function syncText() {
      const chosen = results.find((radio) => radio.checked);
      if (text) {
        text.readOnly = !chosen || chosen.value !== amended;
        text.classList.toggle("bg-body-secondary", text.readOnly);
      }
    }

    const number = (input) => {
      const value = Number.parseInt(input.value, 10);
      return Number.isNaN(value) ? 0 : value;
    };

    function syncSums() {
      form.querySelectorAll("[data-sum-of]").forEach((cell) => {
        const column = cell.dataset.sumOf;
        const rows = Array.from(form.querySelectorAll(`[data-vote-column="${column}"]`));
        const total = form.querySelector(`[data-vote-total="${column}"]`);
        const sum = rows.reduce((acc, input) => acc + number(input), 0);
        const anyRow = Array.from(form.querySelectorAll("[data-vote-column]")).some((input) => number(input) > 0);
        cell.textContent = String(sum);
        cell.classList.toggle("text-danger", anyRow && total !== null && sum !== number(total));
        cell.classList.toggle("fw-bold", anyRow && total !== null && sum !== number(total));
      });
    }

    form.querySelectorAll("[data-js-only]").forEach((element) => {
      element.hidden = false;
    });
    form.addEventListener("click", (event) => {
      const button = event.target.closest("[data-fill-wording]");
      if (!button || !text) {
        return;
      }
      const source = document.getElementById(button.dataset.fillWording);
      const result = results.find((radio) => radio.value === button.dataset.fillResult);
      if (result) {
        result.checked = true;
      }
      syncText();
      text.value = source ? source.content.textContent.trim() : text.value;
      text.dispatchEvent(new Event("input", { bubbles: true }));
      text.focus();
    });
    form.addEventListener("change", (event) => {
      if (event.target.matches("[data-decision-result]")) {
        syncText();
      }
    });
    form.addEventListener("input", (event) => {
      if (event.target.matches("[data-vote-column], [data-vote-total]")) {
        syncSums();
      }
    });
    syncText();
    syncSums();
    const summary = form.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();
