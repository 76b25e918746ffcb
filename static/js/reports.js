// Report pages: draw the bar chart of approved hours from the canvas's data attributes.
// The same figures are in the tables, so the page is complete without JavaScript.
document.querySelectorAll("canvas[data-chart-labels]").forEach((canvas) => {
  if (typeof Chart === "undefined") return;
  const labels = JSON.parse(canvas.dataset.chartLabels);
  const values = JSON.parse(canvas.dataset.chartValues);
  canvas.parentElement.style.position = "relative";
  canvas.parentElement.style.height = `${labels.length * 28 + 48}px`;
  const rtl = document.documentElement.dir === "rtl";
  // Long labels are cut to fit: 48 characters from a tablet up, about 26 on a phone.
  const maxLabel = Math.min(48, Math.max(16, Math.round(canvas.parentElement.clientWidth / 14)));
  new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: canvas.dataset.chartLabel, data: values, backgroundColor: "#0b5e6b" }] },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: true, reverse: rtl },
        y: { position: rtl ? "right" : "left", ticks: { callback(value) {
          const label = this.getLabelForValue(value);
          return label.length > maxLabel ? `${label.slice(0, maxLabel - 1)}…` : label;
        } } },
      },
    },
  });
});
