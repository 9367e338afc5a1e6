// Small behaviour for the pages; kept out of the templates so that a Content-Security-Policy
// without 'unsafe-inline' can be turned on.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
