// Season planner: while a run lasts (up to its time limit) the "Plan" button is disabled and
// the page says so; a second click sends nothing. Without JavaScript the form works as is
// (a second send is stored once: docs/architecture.md §6.13).
const planForm = document.getElementById("plan-form");
if (planForm) {
  let sent = false;
  planForm.addEventListener("submit", (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    const seconds = planForm.querySelector("[name=time_limit]").value || "?";
    const busy = document.getElementById("plan-busy");
    busy.textContent = planForm.dataset.busy.replace("{seconds}", seconds);
    planForm.setAttribute("aria-busy", "true");
    // disabled after the submission has read the button (a disabled button is not sent)
    window.setTimeout(() => {
      planForm.querySelectorAll("[type=submit]").forEach((button) => {
        button.disabled = true;
      });
    });
  });
  // back to this page from the history: the form may be sent again
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    sent = false;
    planForm.removeAttribute("aria-busy");
    document.getElementById("plan-busy").textContent = "";
    planForm.querySelectorAll("[type=submit]").forEach((button) => {
      button.disabled = false;
    });
  });
}
