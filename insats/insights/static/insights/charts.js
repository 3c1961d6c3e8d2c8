/* Charts of the statistics pages, drawn with the vendored Chart.js.
 *
 * The data comes from a <script type="application/json" id="insights-charts"> block (Django's
 * json_script), so no inline script runs and the strict Content-Security-Policy holds. Every
 * chart has the same numbers in a table beside it; the charts do not rely on colour alone:
 * the series differ in point style and dash pattern, and values are written next to the points
 * and bars. Charts inside a closed <details> are drawn when it is opened.
 */
(function () {
  "use strict";

  var dataBlock = document.getElementById("insights-charts");
  if (!dataBlock || typeof window.Chart === "undefined") {
    return; // Without the library the tables still carry every number.
  }
  var specs = JSON.parse(dataBlock.textContent);
  var lang = document.documentElement.lang || "sv";
  var oneDecimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var INK = "#1d3f6e";
  var TARGET = "#222222";

  function format(kind, value) {
    if (value === null || value === undefined) {
      return "";
    }
    if (kind === "share") {
      return oneDecimal.format(value) + "\u00a0%";
    }
    if (kind === "median") {
      return oneDecimal.format(value);
    }
    if (kind === "amount") {
      return whole.format(value) + "\u00a0kr";
    }
    return whole.format(value);
  }

  // Writes each value beside its point or bar, so the chart can be read without the axes.
  var directLabels = {
    id: "insatsDirectLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var kind = chart.options.insatsKind;
      var horizontal = chart.options.indexAxis === "y";
      ctx.save();
      ctx.font = "12px system-ui, 'DejaVu Sans', sans-serif";
      ctx.fillStyle = "#111111";
      chart.data.datasets.forEach(function (dataset, index) {
        if (dataset.insatsNoLabels || !chart.isDatasetVisible(index)) {
          return;
        }
        chart.getDatasetMeta(index).data.forEach(function (element, i) {
          var text = format(kind, dataset.data[i]);
          if (!text) {
            return;
          }
          if (horizontal) {
            ctx.textAlign = "left";
            ctx.textBaseline = "middle";
            ctx.fillText(text, element.x + 4, element.y);
          } else {
            ctx.textAlign = "center";
            ctx.textBaseline = "bottom";
            ctx.fillText(text, element.x, element.y - 6);
          }
        });
      });
      ctx.restore();
    }
  };

  // Names the target line at its right end (a label on the line itself, not only in the legend).
  var targetLabel = {
    id: "insatsTargetLabel",
    afterDatasetsDraw: function (chart) {
      chart.data.datasets.forEach(function (dataset, index) {
        if (!dataset.insatsTarget || !chart.isDatasetVisible(index)) {
          return;
        }
        var points = chart.getDatasetMeta(index).data;
        var last = points[points.length - 1];
        if (!last) {
          return;
        }
        var ctx = chart.ctx;
        ctx.save();
        ctx.font = "bold 12px system-ui, 'DejaVu Sans', sans-serif";
        ctx.fillStyle = TARGET;
        ctx.textAlign = "right";
        ctx.textBaseline = "top";
        ctx.fillText(dataset.label, last.x, last.y + 4);
        ctx.restore();
      });
    }
  };

  function lineConfig(spec) {
    var datasets = [{
      label: spec.series,
      data: spec.values,
      borderColor: INK,
      backgroundColor: INK,
      borderWidth: 2,
      pointStyle: "circle",
      pointRadius: 4,
      spanGaps: false
    }];
    if (spec.target !== null && spec.target !== undefined) {
      datasets.push({
        label: spec.target_label + " " + format(spec.kind, spec.target),
        data: spec.labels.map(function () { return spec.target; }),
        borderColor: TARGET,
        backgroundColor: TARGET,
        borderDash: [8, 5],
        borderWidth: 2,
        pointStyle: "rectRot",
        pointRadius: 3,
        insatsNoLabels: true,
        insatsTarget: true
      });
    }
    return {
      type: "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        insatsKind: spec.kind,
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { top: 22, right: 12 } },
        scales: { y: { beginAtZero: true, grace: "10%" } },
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: { enabled: true }
        }
      },
      plugins: [directLabels, targetLabel]
    };
  }

  function barConfig(spec) {
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.series,
          data: spec.values,
          backgroundColor: INK,
          borderColor: INK,
          borderWidth: 1
        }]
      },
      options: {
        insatsKind: spec.kind,
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { right: 70 } },
        scales: { x: { beginAtZero: true, grace: "5%" } },
        plugins: { legend: { display: false } }
      },
      plugins: [directLabels]
    };
  }

  function draw(canvas) {
    if (canvas.insatsChart) {
      return;
    }
    var spec = specs[canvas.getAttribute("data-chart")];
    if (!spec) {
      return;
    }
    var box = canvas.parentElement;
    var bars = parseInt(box.getAttribute("data-bars") || "0", 10);
    if (bars) {
      // Set through the DOM (not a style attribute), which the CSP allows.
      box.style.height = (4 + bars * 2.2) + "rem";
    }
    canvas.insatsChart = new window.Chart(canvas, spec.type === "line" ? lineConfig(spec) : barConfig(spec));
  }

  function drawWhenOpen(canvas) {
    var details = canvas.closest("details");
    if (!details || details.open) {
      draw(canvas);
      return;
    }
    details.addEventListener("toggle", function () {
      if (details.open) {
        draw(canvas);
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(drawWhenOpen);
})();
