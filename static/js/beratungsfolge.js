// The Beratungsfolge formset of the Vorlage form: add rows from the empty form, move rows
// up and down. The page works without it (order numbers and two empty rows); this only
// makes it handier. No inline scripts, so a strict Content-Security-Policy can stay on.
(() => {
  "use strict";

  function setUp(fieldset) {
    const prefix = fieldset.dataset.formsetPrefix;
    const total = fieldset.querySelector(`#id_${prefix}-TOTAL_FORMS`);
    const maxForms = fieldset.querySelector(`#id_${prefix}-MAX_NUM_FORMS`);
    const body = fieldset.querySelector("[data-step-rows]");
    const template = fieldset.querySelector("template[data-step-template]");
    const addButton = fieldset.querySelector("[data-step-add]");
    if (!total || !body || !template) {
      return;
    }

    const rows = () => Array.from(body.querySelectorAll("[data-step-row]"));

    // The order fields follow the rows as they stand; moving is the way to order now.
    function renumber() {
      const all = rows();
      all.forEach((row, index) => {
        const order = row.querySelector(".step-order");
        if (order) {
          order.value = index + 1;
        }
        row.querySelector('[data-step-move="up"]').disabled = index === 0;
        row.querySelector('[data-step-move="down"]').disabled = index === all.length - 1;
      });
      if (addButton && maxForms) {
        addButton.disabled = Number(total.value) >= Number(maxForms.value);
      }
    }

    function showControls(root) {
      root.querySelectorAll("[data-js-only]").forEach((element) => {
        element.hidden = false;
      });
    }

    function addRow() {
      const index = Number(total.value);
      if (maxForms && index >= Number(maxForms.value)) {
        return;
      }
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html.trim());
      total.value = String(index + 1);
      const row = rows().at(-1);
      showControls(row);
      renumber();
      const select = row.querySelector("select");
      if (select) {
        select.focus();
      }
    }

    function move(row, direction) {
      if (direction === "up" && row.previousElementSibling) {
        body.insertBefore(row, row.previousElementSibling);
      } else if (direction === "down" && row.nextElementSibling) {
        row.nextElementSibling.after(row);
      }
      renumber();
      const button = row.querySelector(`[data-step-move="${direction}"]`);
      (button && !button.disabled ? button : row.querySelector("select"))?.focus();
    }

    fieldset.addEventListener("click", (event) => {
      const moveButton = event.target.closest("[data-step-move]");
      if (moveButton) {
        move(moveButton.closest("[data-step-row]"), moveButton.dataset.stepMove);
      } else if (event.target.closest("[data-step-add]")) {
        addRow();
      }
    });

    // A row marked for removal is dimmed, so the order that remains is easy to read.
    fieldset.addEventListener("change", (event) => {
      if (event.target.matches(".step-delete")) {
        event.target.closest("[data-step-row]").classList.toggle("opacity-50", event.target.checked);
      }
    });

    // A page sent back with errors lists the rows in form order; show them in the order
    // their numbers say (rows without a number last), as the server will save them.
    const orderOf = (row) => {
      const value = row.querySelector(".step-order")?.value;
      return value === "" || value === undefined ? Infinity : Number(value);
    };
    rows()
      .map((row, index) => ({ row, index, order: orderOf(row) }))
      .sort((a, b) => a.order - b.order || a.index - b.index)
      .forEach(({ row }) => body.appendChild(row));

    showControls(fieldset);
    fieldset.querySelectorAll("[data-js-hide]").forEach((element) => {
      element.hidden = true;
    });
    rows().forEach((row) => {
      const remove = row.querySelector(".step-delete");
      row.classList.toggle("opacity-50", Boolean(remove && remove.checked));
    });
    renumber();
  }

  document.querySelectorAll("[data-beratungsfolge]").forEach(setUp);
})();
