/* Upload progress for the "send work" form on a slow connection.
 * Without this script the form posts normally; with it the same POST goes through XMLHttpRequest
 * so the page can show how much has been sent. The server's answer (the journal page after a redirect,
 * or the form with its error) replaces <main>, exactly as a normal page load would show it. */
(function () {
  "use strict";

  function percent(event) {
    return event.lengthComputable && event.total > 0 ? Math.round((event.loaded / event.total) * 100) : null;
  }

  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) {
      window.location.assign(url);
      return;
    }
    main.innerHTML = fresh.innerHTML;
    if (doc.title) {
      document.title = doc.title;
    }
    if (url && url !== window.location.href) {
      window.history.replaceState(null, "", url);
    }
    main.focus();
    setUp();
  }

  function attach(form) {
    var box = form.querySelector("[data-upload-status]");
    var bar = box && box.querySelector("progress");
    var text = box && box.querySelector("[data-upload-text]");
    var button = form.querySelector("button[type=submit]");
    if (!box || !bar || !text || !button || !window.FormData || !window.XMLHttpRequest) {
      return; // The plain form still works.
    }
    var lastSaid = -1;

    function say(message) {
      text.textContent = message;
    }

    form.addEventListener("submit", function (submit) {
      var files = form.querySelector("input[type=file]");
      if (!files || !files.files || files.files.length === 0) {
        return; // A note only is quick: let the browser post it.
      }
      submit.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.setRequestHeader("X-Upload-Progress", "1");
      box.hidden = false;
      bar.value = 0;
      bar.removeAttribute("aria-valuetext");
      button.disabled = true;
      lastSaid = -1;
      say("Sending… 0%");
      xhr.upload.addEventListener("progress", function (event) {
        var done = percent(event);
        if (done === null) {
          bar.removeAttribute("value"); // An indeterminate bar: the size is unknown.
          return;
        }
        bar.value = done;
        // Announce every quarter, not every percent: a screen reader cannot keep up otherwise.
        var step = Math.floor(done / 25) * 25;
        if (step !== lastSaid) {
          lastSaid = step;
          say("Sending… " + done + "%");
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        say("Sent. Checking the photos…");
      });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 500 && xhr.responseText) {
          swapMain(xhr.responseText, xhr.responseURL);
        } else {
          button.disabled = false;
          say("Something went wrong on our side. Please try again in a few minutes.");
        }
      });
      function failed() {
        button.disabled = false;
        say("The upload stopped. Check your connection and try again; nothing was sent.");
      }
      xhr.addEventListener("error", failed);
      xhr.addEventListener("timeout", failed);
      xhr.addEventListener("abort", failed);
      xhr.send(new FormData(form));
    });
  }

  function setUp() {
    var forms = document.querySelectorAll("form[data-upload-progress]");
    for (var i = 0; i < forms.length; i += 1) {
      attach(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
