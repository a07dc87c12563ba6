// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After an htmx swap, tell screen-reader users how many results arrived.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const status = event.detail.target.querySelector("[data-live-summary]");
    const region = document.getElementById("live-region");
    if (status && region) region.textContent = status.textContent;
  });

  // A list of many checkboxes (languages): a box to filter it by what is typed.
  // Django puts the class on the list and on each box, the label text on each box.
  document.querySelectorAll("div.searchable-choices").forEach((list, index) => {
    const first = list.querySelector("input[data-filter-label]");
    if (!first) return;
    const input = document.createElement("input");
    input.type = "search";
    input.className = "choice-filter";
    input.id = `choice-filter-${index}`;
    input.setAttribute("aria-label", first.dataset.filterLabel);
    input.setAttribute("aria-controls", list.id);
    input.placeholder = first.dataset.filterLabel;
    list.parentNode.insertBefore(input, list);
    const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    input.addEventListener("input", () => {
      const wanted = fold(input.value.trim());
      list.querySelectorAll("label").forEach((label) => {
        const row = label.closest("div") || label;
        const box = label.querySelector("input");
        row.hidden = wanted !== "" && !fold(label.textContent).includes(wanted) && !(box && box.checked);
      });
    });
  });
});
