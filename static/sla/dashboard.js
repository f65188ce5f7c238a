/* Draws the SLA dashboard's charts from the JSON the view embeds
   (#sla-chart-data). Chart.js is vendored in static/sla/vendor/. The tables
   next to each chart carry the same figures for readers without JavaScript. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  var PALETTE = ["#2f6fb3", "#d98e04", "#ba2121", "#3d8b40", "#7a4fa3", "#0e8a8a",
                 "#a35d2a", "#5f6b7a", "#c2185b", "#558b2f", "#1565c0", "#ef6c00"];
  var PRIORITY_COLOURS = ["#ba2121", "#2f6fb3", "#8fa4b8", "#c9cfd6"];

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  // Turkish writes the sign first (%11,1); English after (11.1 %).
  var turkish = (document.documentElement.lang || "tr").indexOf("tr") === 0;
  function percent(v) {
    var text = turkish ? String(v).replace(".", ",") : String(v);
    return turkish ? "%" + text : text + "\u00a0%";
  }

  function lineChart(canvas, labels, datasets) {
    return new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        spanGaps: true,
        // A single week of data sits on the 100 % line at the edge: don't cut it off.
        clip: false,
        layout: { padding: { top: 6, right: 8 } },
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { min: 0, max: 100, ticks: { callback: function (v) { return percent(v); } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + (ctx.parsed.y === null ? "—" : percent(ctx.parsed.y));
              }
            }
          }
        }
      }
    });
  }

  function compliance(canvas, data, target) {
    var datasets = data.byDimension[target].map(function (series, i) {
      var colour = PALETTE[i % PALETTE.length];
      return { label: series.label, data: series.values, borderColor: colour,
               backgroundColor: colour, tension: 0.25, pointRadius: 2 };
    });
    datasets.unshift({ label: data.labels.overall, data: data.overall[target],
                       borderColor: cssVar("--body-fg", "#333"), backgroundColor: cssVar("--body-fg", "#333"),
                       borderWidth: 3, borderDash: [6, 4], tension: 0.25, pointRadius: 0 });
    return lineChart(canvas, data.weeks, datasets);
  }

  ready(function () {
    var source = document.getElementById("sla-chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);

    Chart.defaults.color = cssVar("--body-quiet-color", "#666");
    Chart.defaults.borderColor = cssVar("--hairline-color", "#e0e0e0");
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

    var open = document.getElementById("chart-open");
    if (open) {
      new Chart(open, {
        type: "bar",
        data: {
          labels: data.open.stages,
          datasets: data.open.priorities.map(function (label, p) {
            return { label: label, backgroundColor: PRIORITY_COLOURS[p % PRIORITY_COLOURS.length],
                     data: data.open.cells.map(function (row) { return row[p]; }) };
          })
        },
        options: {
          maintainAspectRatio: false, indexAxis: "y",
          scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
        }
      });
    }

    var ageing = document.getElementById("chart-ageing");
    if (ageing) {
      new Chart(ageing, {
        type: "bar",
        data: { labels: data.ageing.labels,
                datasets: [{ label: data.labels.open, data: data.ageing.values,
                             backgroundColor: ["#3d8b40", "#6aa84f", "#d98e04", "#e06c00", "#ba2121", "#7f1212"] }] },
        options: { maintainAspectRatio: false, plugins: { legend: { display: false } },
                   scales: { y: { ticks: { precision: 0 } } } }
      });
    }

    var ack = document.getElementById("chart-ack");
    if (ack) compliance(ack, data, "ack");
    var resolution = document.getElementById("chart-resolution");
    if (resolution) compliance(resolution, data, "resolution");
  });
})();
