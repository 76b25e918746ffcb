// Pickers (aljisr.formfields.Picker): a search box, a Search button and a short select.
// Without JavaScript, Search sends the form back and the page lists the matches. Here the
// search box becomes an ARIA 1.2 combobox with a listbox popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): the server is asked as one types
// (data-picker-source, JSON), Down/Up move through the options, Enter chooses, Escape closes
// the list (or, closed, clears the choice). The select stays in the form, hidden: it is what
// is sent.
document.querySelectorAll(".picker[data-picker-source]").forEach((picker) => {
  const select = picker.querySelector("select");
  const input = picker.querySelector("input.picker-search");
  const button = picker.querySelector("button.picker-button");
  const status = picker.querySelector(".picker-status");
  if (!select || !input) return;
  const label = document.querySelector(`label[for="${select.id}"]`);
  const list = document.createElement("ul");
  list.id = `${select.id}-listbox`;
  list.className = "picker-list list-group";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  if (label) {
    label.id = label.id || `${select.id}-label`;
    label.htmlFor = input.id;
    list.setAttribute("aria-labelledby", label.id);
    input.removeAttribute("aria-label");
  }
  const live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  picker.append(list, live);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  select.hidden = true;
  select.tabIndex = -1;
  if (button) button.remove(); // Enter in another field sends the form itself again
  const chosen = select.selectedOptions[0];
  let chosenLabel = chosen && chosen.value ? chosen.textContent : "";
  if (chosenLabel) input.value = chosenLabel;
  if (status) status.hidden = true;

  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;

  const open = () => {
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((el, i) => {
      el.setAttribute("aria-selected", String(i === index));
      el.classList.toggle("active", i === index);
    });
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const choose = (index) => {
    const item = items[index];
    if (!item) return;
    const value = String(item.value);
    let option = Array.from(select.options).find((o) => o.value === value);
    if (!option) {
      option = new Option(item.label, value);
      select.add(option);
    }
    select.value = value;
    chosenLabel = item.label;
    input.value = item.label;
    close();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const render = (data) => {
    items = data.options || [];
    list.replaceChildren(
      ...items.map((item, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = item.label;
        li.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus
        li.addEventListener("click", () => choose(i));
        return li;
      }),
    );
    live.textContent = data.message || "";
    active = -1;
    open();
  };
  const search = async () => {
    const query = input.value.trim();
    if (!query || query === chosenLabel) {
      close();
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    const url = new URL(picker.dataset.pickerSource, window.location.href);
    url.searchParams.set("q", query);
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (response.ok) render(await response.json());
    } catch (error) {
      if (error.name !== "AbortError") live.textContent = "";
    }
  };

  input.addEventListener("input", () => {
    if (input.value !== chosenLabel && select.value) {
      select.value = ""; // what is sent is what was chosen, never a stale choice
      chosenLabel = "";
    }
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden) {
        if (items.length && !event.altKey) open();
        else search();
        if (!event.altKey && items.length) highlight(0);
      } else {
        highlight(Math.min(active + 1, items.length - 1));
      }
    } else if (event.key === "ArrowUp") {
      if (!list.hidden) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      }
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (!list.hidden) {
        event.preventDefault();
        close();
      }
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        select.value = "";
        chosenLabel = "";
      }
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
});
