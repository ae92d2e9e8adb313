// Stores the device token the server just issued in this phone's IndexedDB, then opens the field app.
"use strict";
(function () {
  var el = document.getElementById("connect-status");
  if (!el) return;
  var request = indexedDB.open("langso-field", 1);
  request.onupgradeneeded = function () {
    var db = request.result;
    if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
    if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
    if (!db.objectStoreNames.contains("sent")) db.createObjectStore("sent", { keyPath: "id" });
  };
  request.onsuccess = function () {
    var tx = request.result.transaction("kv", "readwrite");
    tx.objectStore("kv").put(el.dataset.token, "token");
    tx.objectStore("kv").put(el.dataset.user, "user_name");
    tx.objectStore("kv").delete("revoked");
    tx.oncomplete = function () {
      el.dataset.token = "";
      window.location.replace(el.dataset.next);
    };
  };
})();
