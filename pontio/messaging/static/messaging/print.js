// The "Print" button of a secure message: shown only when scripts run.
for (const button of document.querySelectorAll("[data-pontio-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
