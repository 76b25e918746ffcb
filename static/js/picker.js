// Pickers (aljisr.formfields.Picker): a search box, a Search button and a short select.
// Without JavaScript, Search sends the form back and the page lists the matches. Here the
// search box becomes an ARIA 1.2 combobox with a listbox popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): the server is asked as one types
// (data-picker-source, JSON), Down/Up move through the options, Enter chooses, Escape closes
// the list (or, closed, clears the choice). The select stays in the form, hidden: it is what
// is sent. The line under the box shows, and announces once (role=status), what the server
// said ("Nothing matches “zzz”.", "The first 20 matches…"); once a record is chosen, its whole
// label is written there too, wrapping, with a button (×) that clears the choice. Leaving the
// box with the exact name of the only match chooses it (the JSON's "exact").
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
  // the line under the box: what the server said, shown and announced once
  const live = status || document.createElement("div");
  live.className = "form-text picker-status";
  live.setAttribute("role", "status");
  live.textContent = "";
  // the record chosen, its whole label wrapping, and the button that clears the choice
  const shown = document.createElement("div");
  shown.className = "picker-chosen form-text";
  shown.hidden = true;
  const shownLabel = document.createElement("span");
  shownLabel.className = "picker-chosen-label";
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "btn-close picker-clear";
  clear.setAttribute("aria-label", picker.dataset.pickerClear || "Clear");
  shown.append(shownLabel, clear);
  picker.classList.add("picker-ready");
  input.dir = "auto";
  picker.append(list, shown);
  if (!status) picker.append(live);
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

  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let answered = null; // the text the list and `exact` answer
  let exact = null; // the value of the only match the text names exactly

  const showChosen = () => {
    shownLabel.textContent = chosenLabel;
    shown.hidden = !chosenLabel;
  };
  showChosen();
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
    live.textContent = "";
    showChosen();
    close();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const render = (data, query) => {
    items = data.options || [];
    answered = query;
    exact = data.exact == null ? null : String(data.exact);
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
    if (document.activeElement === input) open();
  };
  const search = () => {
    const query = input.value.trim();
    if (!query || query === chosenLabel) {
      close();
      live.textContent = "";
      return Promise.resolve();
    }
    return ask(query);
  };
  const ask = async (query) => {
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
      if (response.ok) render(await response.json(), query);
    } catch (error) {
      if (error.name !== "AbortError") live.textContent = "";
    }
  };

  input.addEventListener("input", () => {
    if (input.value !== chosenLabel && select.value) {
      select.value = ""; // what is sent is what was chosen, never a stale choice
      chosenLabel = "";
      showChosen();
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
        showChosen();
      }
    }
  });
  // leaving the box with the exact name of the only match chooses it
  const chooseExact = () => {
    if (select.value || exact === null || answered !== input.value.trim()) return;
    const index = items.findIndex((item) => String(item.value) === exact);
    if (index >= 0) choose(index);
  };
  input.addEventListener("blur", () => {
    setTimeout(close, 150);
    if (select.value || !input.value.trim()) return;
    if (answered === input.value.trim()) {
      chooseExact();
    } else {
      clearTimeout(timer);
      search().then(chooseExact);
    }
  });
  clear.addEventListener("click", () => {
    input.value = "";
    select.value = "";
    chosenLabel = "";
    items = [];
    answered = null;
    showChosen();
    close();
    input.focus();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
});
