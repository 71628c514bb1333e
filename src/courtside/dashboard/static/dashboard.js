// courtside dashboard: refresh the figures in place, and send the controls with the token.
// The token is read from the form when a button is pressed and sent in the Authorization header
// only; it is never stored (no cookie, no localStorage) and never put in a URL.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var updated = document.getElementById("updated");
  var every = parseInt(updated.getAttribute("data-refresh"), 10) * 1000;

  function query() {
    return "?exchange=" + encodeURIComponent(main.dataset.exchange) + "&mode=" + encodeURIComponent(main.dataset.mode);
  }

  function refresh() {
    fetch("/fragment" + query(), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (html) {
        main.innerHTML = html;
        updated.textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC · refreshes every " + every / 1000 + " s";
        updated.classList.remove("bad");
      })
      .catch(function (e) {
        updated.textContent = "could not refresh (" + e.message + "): showing the figures of " + updated.textContent.replace(/^updated /, "");
        updated.classList.add("bad");
      });
  }
  setInterval(refresh, every);

  var out = document.getElementById("control-result");
  function press(action) {
    var token = document.getElementById("token").value;
    var body = {
      reason: document.getElementById("reason").value,
      by: document.getElementById("by").value,
      exchange: main.dataset.exchange,
      mode: action === "cancel-all" ? main.dataset.mode : null
    };
    var headers = { "Content-Type": "application/json" };
    if (token) { headers.Authorization = "Bearer " + token; }
    out.className = "result";
    out.textContent = action + "…";
    fetch("/api/" + action, { method: "POST", headers: headers, body: JSON.stringify(body), cache: "no-store" })
      .then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      })
      .then(function (res) {
        if (res.status !== 200) {
          out.className = "result refused";
          out.textContent = action + " refused (" + res.status + "): " + (res.data.detail || "");
          return;
        }
        out.className = "result done";
        out.textContent = [action + ": " + (res.data.state || "done") + " (by " + res.data.who + ")"].concat(res.data.lines).join("\n");
        refresh();
      })
      .catch(function (e) { out.className = "result refused"; out.textContent = action + " failed: " + e.message; });
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-action]"), function (b) {
    b.addEventListener("click", function () {
      var action = b.getAttribute("data-action");
      if ((action === "kill" || action === "cancel-all") && !window.confirm(b.title + "?")) { return; }
      press(action);
    });
  });
})();
