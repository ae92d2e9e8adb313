// Làng Số: share an invitation's message from the phone (Android's share sheet through the Web Share
// API), or copy it where the browser has no share sheet; print the list for the village head.
"use strict";

(function () {
  const box = document.getElementById("share-message");
  const share = document.getElementById("share-button");
  const copy = document.getElementById("copy-button");
  const status = document.getElementById("share-status");
  const print = document.getElementById("print-button");
  if (print) print.addEventListener("click", () => window.print());
  if (!box) return;
  const text = () => box.value;
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", async () => {
      try {
        await navigator.share({ text: text() });
      } catch (error) {
        // The member closed the share sheet: nothing to say.
      }
    });
  }
  if (copy) {
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text());
      } catch (error) {
        box.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = copy.dataset.done;
    });
  }
})();
