// Registers: add another row to a repeatable list (languages of a volunteer).
// Without JavaScript the form always offers empty rows, so this is only a convenience.
document.querySelectorAll("button[data-rows]").forEach((button) => {
  const container = document.getElementById(button.dataset.rows);
  if (!container) return;
  button.classList.remove("d-none");
  button.addEventListener("click", () => {
    const rows = container.querySelectorAll(".language-row");
    const last = rows[rows.length - 1];
    if (!last) return;
    const index = rows.length;
    const copy = last.cloneNode(true);
    copy.querySelectorAll("select, input").forEach((input) => {
      input.name = input.name.replace(/-\d+-/, `-${index}-`);
      input.id = input.id.replace(/-\d+-/, `-${index}-`);
      input.value = "";
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll("label").forEach((label) => {
      label.htmlFor = label.htmlFor.replace(/-\d+-/, `-${index}-`);
      label.classList.add("visually-hidden");
    });
    copy.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
    container.appendChild(copy);
    copy.querySelector("select, input").focus();
  });
});
