// The check-in desk, with JavaScript: choosing arrival or a session reloads the desk at once, and
// the camera reads badges. Each frame of the camera is drawn on a canvas and given to jsQR
// (static/vendor/jsqr); a code found fills the code field and sends the form, as if typed (through
// static/js/live-form.js, which shows the answer without leaving the page). The camera goes on
// looking once the answer is shown; when the form was sent as usual, it starts again by itself on
// the page that shows the answer, until it is stopped. Without
// JavaScript, or without a camera, the desk works the same with a typed code or a name search.
(function () {
  "use strict";

  var slotForm = document.querySelector("[data-desk-slot]");
  if (slotForm) {
    Array.prototype.forEach.call(slotForm.querySelectorAll("[data-without-js]"), function (button) {
      button.hidden = true;
    });
    slotForm.querySelector("select").addEventListener("change", function () {
      slotForm.submit();
    });
  }

  var box = document.querySelector("[data-camera]");
  var form = document.querySelector("[data-desk-scan]");
  if (!box || !form || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;

  var CAMERA_ON = "check-in-desk:camera";
  var LAST_CODE = "check-in-desk:last-code";
  var SAME_CODE_PAUSE = 8000; // ms: the badge just sent, still in front of the camera, is not sent again
  var MAX_SIDE = 640; // px: frames are scaled down to this before decoding, which is fast enough on a phone

  function codeInput() {
    return form.querySelector("input[name=code]"); // a new one after each answer
  }

  var video = box.querySelector("video");
  var startButton = box.querySelector("[data-camera-start]");
  var stopButton = box.querySelector("[data-camera-stop]");
  var message = box.querySelector("[data-camera-message]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var sending = false;

  function remember(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (error) {
      // private browsing without storage: the camera just does not restart by itself
    }
  }

  function recall(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function say(text) {
    message.textContent = text || "";
  }

  function justSent(code) {
    try {
      var last = JSON.parse(recall(LAST_CODE) || "null");
      return !!last && last.code === code && Date.now() - last.at < SAME_CODE_PAUSE;
    } catch (error) {
      return false;
    }
  }

  function startCamera() {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (mediaStream) {
        stream = mediaStream;
        video.srcObject = mediaStream;
        video.hidden = false;
        stopButton.hidden = false;
        startButton.hidden = true;
        if (document.activeElement === codeInput()) codeInput().blur(); // no keyboard over the camera on a phone
        remember(CAMERA_ON, "1");
        say(box.getAttribute("data-looking"));
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () {});
        window.requestAnimationFrame(look);
      })
      .catch(function (error) {
        remember(CAMERA_ON, null);
        var missing = error && (error.name === "NotFoundError" || error.name === "OverconstrainedError");
        say(box.getAttribute(missing ? "data-unavailable" : "data-denied"));
      });
  }

  function stopCamera() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
    say("");
  }

  function look() {
    if (!stream || sending) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth) {
      var scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
      if (found && found.data && !justSent(found.data)) {
        sending = true;
        remember(LAST_CODE, JSON.stringify({ code: found.data, at: Date.now() }));
        codeInput().value = found.data;
        if (navigator.vibrate) navigator.vibrate(60);
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
        return;
      }
    }
    window.requestAnimationFrame(look);
  }

  box.hidden = false;
  startButton.addEventListener("click", startCamera);
  stopButton.addEventListener("click", function () {
    remember(CAMERA_ON, null);
    stopCamera();
  });
  window.addEventListener("pagehide", stopCamera);
  document.addEventListener("live-form:answered", function () {
    if (!stream || !sending) return; // an answer to a name found by search: the camera is looking already
    if (document.activeElement === codeInput()) codeInput().blur();
    sending = false;
    window.requestAnimationFrame(look);
  });
  if (recall(CAMERA_ON)) startCamera();
})();
