// Recording a guide step's reading on the phone (MediaRecorder): record, listen, re-record, send.
// Small files: Opus at 32 kbit/s in WebM (Chrome on Android) or Ogg, else AAC in MP4 (Safari).
"use strict";

(function () {
  const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"];
  const MAX_MS = 60000;
  const MAX_BYTES = 400 * 1024;

  function strings() {
    const out = {};
    const tpl = document.getElementById("rec-strings");
    if (tpl) tpl.content.querySelectorAll("[data-k]").forEach((el) => (out[el.dataset.k] = el.textContent));
    return out;
  }

  function csrf() {
    const input = document.querySelector("#rec-csrf input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function chooseType() {
    if (!window.MediaRecorder) return null;
    return TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || "";
  }

  function setup(li, T, mimeType) {
    const $ = (sel) => li.querySelector(sel);
    const start = $(".rec-start"), stop = $(".rec-stop"), send = $(".rec-send"), again = $(".rec-again");
    const preview = $(".rec-preview"), msg = $(".rec-msg");
    let recorder = null, blob = null, timer = null;

    function show(...visible) {
      [start, stop, send, again, preview].forEach((el) => (el.hidden = !visible.includes(el)));
    }

    async function begin() {
      msg.textContent = "";
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
      } catch (error) {
        msg.textContent = T.denied;
        return;
      }
      const chunks = [];
      const options = { audioBitsPerSecond: 32000 };
      if (mimeType) options.mimeType = mimeType;
      recorder = new MediaRecorder(stream, options);
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.onstop = () => {
        clearTimeout(timer);
        stream.getTracks().forEach((t) => t.stop());
        blob = new Blob(chunks, { type: (recorder.mimeType || mimeType || "audio/webm").split(";")[0] });
        if (preview.src) URL.revokeObjectURL(preview.src);
        preview.src = URL.createObjectURL(blob);
        msg.textContent = blob.size > MAX_BYTES ? T.too_big : "";
        show(preview, again, ...(blob.size > MAX_BYTES ? [] : [send]));
        li.dataset.recorded = "1";
      };
      recorder.start();
      timer = setTimeout(() => recorder.state === "recording" && recorder.stop(), MAX_MS);
      msg.textContent = T.recording;
      show(stop);
    }

    async function upload() {
      if (!blob) return;
      send.disabled = true;
      msg.textContent = T.sending;
      const body = new FormData();
      body.append("step", li.dataset.step);
      const ext = blob.type.includes("mp4") ? "m4a" : blob.type.includes("ogg") ? "ogg" : "webm";
      body.append("audio", blob, `buoc-${li.dataset.step}.${ext}`);
      try {
        const response = await fetch(location.pathname, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrf() },
          credentials: "same-origin",
        });
        const answer = await response.json();
        msg.textContent = answer.ok ? answer.message : answer.errors.join(" ");
        if (answer.ok) {
          li.dataset.sent = answer.id;
          show(preview, again);
        }
      } catch (error) {
        msg.textContent = T.failed;
      } finally {
        send.disabled = false;
      }
    }

    start.addEventListener("click", begin);
    again.addEventListener("click", begin);
    stop.addEventListener("click", () => recorder && recorder.state === "recording" && recorder.stop());
    send.addEventListener("click", upload);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const T = strings();
    const mimeType = chooseType();
    if (mimeType === null || !navigator.mediaDevices) {
      const warn = document.getElementById("rec-unsupported");
      if (warn) warn.hidden = false;
      document.querySelectorAll(".rec-start").forEach((b) => (b.disabled = true));
      return;
    }
    document.querySelectorAll(".rec-step").forEach((li) => li.querySelector(".rec-start") && setup(li, T, mimeType));
  });
})();
