// Polls a generation job's progress and updates the bar without a manual reload.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var initial = box.getAttribute("data-status");
  if (initial === "done" || initial === "failed") { return; }

  function update(data) {
    document.getElementById("job-bar").style.width = data.percent + "%";
    document.getElementById("job-count").textContent = data.done + " dari " + data.total;
    document.getElementById("job-status").textContent = data.status_label;
    document.getElementById("job-percent").textContent = "(" + data.percent + "%)";
    box.setAttribute("data-status", data.status);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        update(data);
        if (data.status === "done" || data.status === "failed") {
          // Show the download links and any errors.
          window.setTimeout(function () { window.location.reload(); }, 800);
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
