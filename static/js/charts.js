// Draws every dashboard chart with the vendored ECharts (static/vendor/echarts/).
// Each <div class="chart" data-chart="ID"> reads its spec from <script id="ID"
// type="application/json"> (Django's json_script); the words come translated from the server.
(function () {
  "use strict";
  var COLOURS = ["#2f6fbf", "#9a9a9a", "#d8643b"];

  function series(spec) {
    var last = spec.series.length - 1;
    return spec.series.map(function (s, i) {
      var previous = spec.series.length > 1 && i === last;
      return {
        name: s.name,
        type: spec.kind,
        data: s.data,
        smooth: false,
        showSymbol: spec.labels.length <= 31,
        itemStyle: { color: COLOURS[i % COLOURS.length] },
        lineStyle: previous ? { type: "dashed" } : undefined,
      };
    });
  }

  function option(spec) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: spec.series.map(function (s) { return s.name; }) },
      grid: { left: 56, right: 24, top: 36, bottom: 56, containLabel: true },
      xAxis: {
        type: "category", data: spec.labels, name: spec.xName, nameLocation: "middle",
        nameGap: spec.labels.length > 12 ? 48 : 30,
        axisLabel: { hideOverlap: true, rotate: spec.labels.length > 12 ? 30 : 0 },
      },
      yAxis: { type: "value", name: spec.yName, minInterval: 1 },
      series: series(spec),
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll(".chart[data-chart]").forEach(function (box) {
      var source = document.getElementById(box.dataset.chart);
      if (!source) { return; }
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
