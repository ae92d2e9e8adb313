// A "Print" button for printable pages (the one-time code slip): shown only when JavaScript runs,
// so a browser without it keeps the written hint instead. Served as a file: the CSP allows no inline script.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
