// Read aloud (issue 16): "Listen" on each activity, and on the whole day, speaks the words on the page with the
// browser's own speech synthesis (the Web Speech API), in the page's language where the device has a voice.
// Nothing is sent anywhere. Without JavaScript or without speech on the device the buttons stay hidden.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return;
  if (window.homeLearningListen) return; // included once per day shown: set up once
  window.homeLearningListen = true;
  var lang = document.documentElement.lang || "en-GB";
  var playing = null;

  function voiceFor(language) {
    var voices = synth.getVoices() || [];
    var exact = voices.filter(function (v) { return v.lang && v.lang.toLowerCase() === language.toLowerCase(); });
    if (exact.length) return exact[0];
    var base = language.split("-")[0].toLowerCase();
    var near = voices.filter(function (v) { return v.lang && v.lang.toLowerCase().split("-")[0] === base; });
    return near.length ? near[0] : null;
  }

  // The words to read: the marked parts (title, time, instructions) of each activity in the scope, in order.
  function wordsOf(scope) {
    var parts = scope.querySelectorAll("[data-speak]");
    return Array.prototype.map.call(parts, function (el) { return el.textContent.replace(/\s+/g, " ").trim(); })
      .filter(Boolean).join(". ");
  }

  var labels = new Map();

  function reset(button) {
    button.innerHTML = labels.get(button);
  }

  function stop() {
    synth.cancel();
    if (playing) reset(playing);
    playing = null;
  }

  document.querySelectorAll("button[data-listen]").forEach(function (button) {
    labels.set(button, button.innerHTML);
    button.hidden = false;
    button.addEventListener("click", function () {
      var wasThis = playing === button;
      stop();
      if (wasThis) return;
      var scope = document.getElementById(button.getAttribute("data-listen"));
      if (!scope) return;
      var utterance = new window.SpeechSynthesisUtterance(wordsOf(scope));
      utterance.lang = lang;
      var voice = voiceFor(lang);
      if (voice) utterance.voice = voice;
      utterance.onend = function () { if (playing === button) { reset(button); playing = null; } };
      playing = button;
      button.textContent = button.getAttribute("data-stop-label");
      synth.speak(utterance);
    });
  });
  window.addEventListener("pagehide", stop);
})();
