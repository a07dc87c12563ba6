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

// Live suggestions for a search box (the occupation and industry of the mentee and mentor
// forms): an ARIA 1.2 combobox. htmx fills the listbox as the person types; here the arrow keys
// move through the options, Enter or a click takes one (its title into the box, its code into
// the form's field), Escape closes the list. Without this file the box is searched on sending.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-suggest-for]").forEach((box) => {
    const list = document.getElementById(box.getAttribute("aria-controls"));
    const form = box.form;
    if (!list || !form) return;
    const field = box.dataset.suggestFor;
    const options = () => Array.from(list.querySelectorAll("[role=option]"));
    let active = -1;

    const show = (open) => {
      list.hidden = !open;
      box.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) {
        active = -1;
        box.removeAttribute("aria-activedescendant");
      }
    };
    const highlight = (index) => {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((option, i) => {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      box.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    };
    // The code goes where the server reads the person's choice: the radio of that code if the
    // form offers it, else a hidden field of that name (created when the form has none).
    const setChoice = (code) => {
      const radios = form.querySelectorAll(`input[type=radio][name="${field}"]`);
      radios.forEach((radio) => { radio.checked = radio.value === code; });
      if (Array.from(radios).some((radio) => radio.checked)) return;
      let hidden = form.querySelector(`input[type=hidden][name="${field}"]`);
      if (!hidden && code) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = field;
        form.appendChild(hidden);
      }
      if (hidden) hidden.value = code;
    };
    const choose = (option) => {
      box.value = option.dataset.label;
      setChoice(option.dataset.value);
      show(false);
      const status = document.getElementById(`${box.id}-status`);
      if (status) status.textContent = option.textContent.trim();
    };

    box.addEventListener("input", () => setChoice(""));  // new words: no choice until one is taken
    box.addEventListener("keydown", (event) => {
      const open = !list.hidden && options().length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options().length) return;
        event.preventDefault();
        if (!open) show(true);
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();  // take the option, do not send the form
        choose(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        show(false);
      }
    });
    box.addEventListener("blur", () => setTimeout(() => show(false), 150));
    // A click (or a tap) on an option; mousedown so that the box's blur does not close it first.
    list.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) {
        event.preventDefault();
        choose(option);
      }
    });
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target !== list) return;
      active = -1;
      box.removeAttribute("aria-activedescendant");
      show(options().length > 0 && document.activeElement === box);
    });
  });
});

// The navigation's "More" menu is a <details>: it opens and closes without this file. Here,
// Escape closes it (focus back on "More"), as do a click or a focus elsewhere on the page.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".nav-more details").forEach((menu) => {
    const close = () => { menu.open = false; };
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        close();
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", (event) => { if (!menu.contains(event.target)) close(); });
    document.addEventListener("focusin", (event) => { if (!menu.contains(event.target)) close(); });
  });
});
