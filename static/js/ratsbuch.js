// Small behaviour for the pages; kept out of the templates so that a Content-Security-Policy
// without 'unsafe-inline' can be turned on.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// A form marked with data-max-bytes is not sent when it is larger than the server takes:
// the server would refuse it unread, and the text would be gone. Say so and keep it.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const limit = Number(form.dataset.maxBytes || 0);
  if (!limit || form.enctype === "multipart/form-data") {
    return;
  }
  // The same encoding the browser uses for the request body.
  const size = new URLSearchParams(new FormData(form, event.submitter)).toString().length;
  const note = form.querySelector("[data-too-large]");
  if (size > limit && note) {
    event.preventDefault();
    note.hidden = false;
    note.focus();
  }
});

// On paper a resolution text is read, not unfolded: open the closed ones for printing and
// close them again afterwards (ratsbuch.css does the same where ::details-content works).
(() => {
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = Array.from(document.querySelectorAll("details.resolution-text:not([open])"));
    opened.forEach((details) => {
      details.open = true;
    });
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((details) => {
      details.open = false;
    });
    opened = [];
  });
})();
