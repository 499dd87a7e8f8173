// Reconciliation preview: a category's "apply all" box ticks or unticks every correction in it.
document.addEventListener('change', (event) => {
  const toggle = event.target;
  if (!(toggle instanceof HTMLInputElement) || !toggle.dataset.categoryToggle) return;
  for (const box of document.querySelectorAll(`input[data-category="${CSS.escape(toggle.dataset.categoryToggle)}"]`)) {
    box.checked = toggle.checked;
  }
});
