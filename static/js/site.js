// Small progressive enhancements; loaded as a file so the CSP can forbid inline scripts.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});
// Progress bars: width from data-progress (inline style attributes are blocked by the CSP).
function applyProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((bar) => {
    bar.style.width = `${Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0))}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => applyProgress(document));
document.addEventListener("htmx:afterSettle", (event) => applyProgress(event.target));
// A search box inside a bigger form (co-supervisor picker): Enter searches, never submits the form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("[data-enter-stays]")) event.preventDefault();
});
// Tables that scroll sideways on a phone must be reachable by keyboard (axe: scrollable-region-focusable).
function focusableScrollers(root) {
  root.querySelectorAll(".table-responsive:not([tabindex])").forEach((el) => { el.tabIndex = 0; });
}
document.addEventListener("DOMContentLoaded", () => focusableScrollers(document));
document.addEventListener("htmx:afterSettle", (event) => focusableScrollers(event.target));
