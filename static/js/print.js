// "Print" buttons (data-print): the page's print stylesheet (static/css/app.css, @media print)
// leaves the navigation, filters and buttons out.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
