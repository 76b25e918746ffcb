// Overview: approved hours per month as a bar chart (Chart.js, served locally).
// The figures come from a JSON block in the page (CSP forbids inline scripts); the table
// below the chart holds the same figures and stays the accessible fallback.
(() => {
  const source = document.getElementById("hours-chart-data");
  const canvas = document.getElementById("hours-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colour = getComputedStyle(document.documentElement).getPropertyValue("--aljisr").trim() || "#0b5e6b";
  const locale = document.documentElement.lang || "en";
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: data.label, data: data.values, backgroundColor: colour, borderRadius: 3 }],
    },
    options: {
      aspectRatio: 2.4,
      animation: false,
      locale,
      plugins: {
        legend: { display: false },
        tooltip: { rtl: data.rtl, callbacks: { label: (ctx) => `${number.format(ctx.parsed.y)} h` } },
      },
      scales: {
        x: { reverse: data.rtl, grid: { display: false } },
        y: { beginAtZero: true, position: data.rtl ? "right" : "left", ticks: { precision: 0 } },
      },
    },
  });
  const details = document.getElementById("hours-table-details");
  if (details) details.open = false;
})();
