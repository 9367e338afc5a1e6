// The agenda builder: the ↑/↓ buttons move an item within its part on the page, without a
// reload per item; one "Save the order" sends the whole new order (action "reorder"). The
// page works without this script, a reload per move. No inline scripts (CSP).
(() => {
  "use strict";

  const saver = document.querySelector("[data-agenda-reorder]");
  if (!saver) {
    return;
  }
  const order = saver.querySelector("[data-agenda-order]");

  function rows() {
    return Array.from(document.querySelectorAll(".agenda-table tbody tr[data-item]"));
  }

  function refresh(table) {
    const items = Array.from(table.querySelectorAll("tbody tr[data-item]"));
    items.forEach((row, index) => {
      row.querySelector('[data-agenda-move="up"]').disabled = index === 0;
      row.querySelector('[data-agenda-move="down"]').disabled = index === items.length - 1;
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-agenda-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    const row = button.closest("tr[data-item]");
    const table = row.closest("table");
    if (button.dataset.agendaMove === "up" && row.previousElementSibling) {
      row.parentNode.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.agendaMove === "down" && row.nextElementSibling) {
      row.parentNode.insertBefore(row.nextElementSibling, row);
    }
    refresh(table);
    order.replaceChildren(
      ...rows().map((item) => {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "item_ids";
        input.value = item.dataset.item;
        return input;
      }),
    );
    saver.hidden = false;
    button.focus();
  });
})();
