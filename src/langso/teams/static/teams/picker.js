// The visit form's skill lists: choosing a skill names it in the list's summary and closes the list,
// so the row reads "Kỹ năng: …" like a drop-down would, without cutting long names at 360 px.
"use strict";

document.querySelectorAll("details.picker").forEach((picker) => {
  const summary = picker.querySelector("summary");
  picker.addEventListener("change", (event) => {
    const label = event.target.closest("label");
    if (!label) return;
    summary.textContent = event.target.value ? `${summary.dataset.chosen || ""}${label.textContent.trim()}` : summary.dataset.prompt;
    picker.open = false;
  });
});
