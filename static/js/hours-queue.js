// Hours review queue: "select all", and Enter in a row's reason rejects that row.
(() => {
  const form = document.getElementById("review-form");
  if (!form) return;
  const all = document.getElementById("select-all");
  const boxes = () => Array.from(form.querySelectorAll('input[name="entry"]'));
  if (all && boxes().length) {
    all.hidden = false;
    const sync = () => {
      const checked = boxes().filter((b) => b.checked).length;
      all.checked = checked > 0 && checked === boxes().length;
      all.indeterminate = checked > 0 && checked < boxes().length;
    };
    all.addEventListener("change", () => {
      boxes().forEach((b) => { b.checked = all.checked; });
    });
    boxes().forEach((b) => b.addEventListener("change", sync));
    sync();
  }
  form.querySelectorAll("[data-row-reason]").forEach((input) => {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      document.getElementById(`reject-${input.dataset.rowReason}`).click();
    });
  });
  const bulkReason = document.getElementById("bulk-reason");
  if (bulkReason) {
    bulkReason.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      document.getElementById("reject-selected").click();
    });
  }
})();
