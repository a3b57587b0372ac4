// The main menu on a phone: folded behind a "Menu" button. Without JavaScript every link shows, as on a
// wide screen. No build step, no third-party code.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  var list = document.getElementById(button.getAttribute("aria-controls"));
  if (!list) return;
  document.documentElement.classList.add("has-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.classList.toggle("open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      list.classList.remove("open");
      button.focus();
    }
  });
})();
