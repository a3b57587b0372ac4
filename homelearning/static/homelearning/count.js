// A running count of ticked boxes, for choices with a limit (children invited to a live session: at most the
// policy's number). <p data-count-name="pupils" data-count-max="15" data-count-text="Chosen: {n} (at most {max})"
// data-count-over="{extra} too many: untick {extra}." aria-live="polite">. The server still checks the limit.
(function () {
  "use strict";
  document.querySelectorAll("[data-count-name]").forEach(function (out) {
    var form = out.closest("form");
    if (!form) return;
    var name = out.getAttribute("data-count-name");
    var max = parseInt(out.getAttribute("data-count-max"), 10);
    function update() {
      var n = form.querySelectorAll("input[type=checkbox][name='" + name + "']:checked").length;
      var text = out.getAttribute("data-count-text").replace("{n}", n).replace("{max}", max);
      if (n > max) {
        text += " " + out.getAttribute("data-count-over").split("{extra}").join(String(n - max));
      }
      out.textContent = text;
      out.classList.toggle("count-over", n > max);
    }
    form.addEventListener("change", update);
    out.hidden = false;
    update();
  });
})();
