// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After an htmx swap, tell screen-reader users how many results arrived.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const status = event.detail.target.querySelector("[data-live-summary]");
    const region = document.getElementById("live-region");
    if (status && region) region.textContent = status.textContent;
  });
});
