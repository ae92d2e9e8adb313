// Làng Số field app, part 5 of 5: start, routing and the events that drive sync.
//
// A team member's worklist, visits, weak-signal reports, help-desk sessions, group sessions and device
// follow-ups,
// recorded with or without network. What is kept on the phone, for whom, and how it is sealed: see
// store.js; how it is sent: sync.js; the screens: screens.js.
"use strict";

(function (ns) {
  const { T } = ns;
  const store = ns.store;
  const state = ns.state;
  const screens = ns.screens;

  function currentScreen() {
    const hash = location.hash.replace(/^#/, "");
    if (hash.startsWith("visit/")) return "visit";
    if (hash.startsWith("signal")) return "signal";
    if (hash.startsWith("helpdesk")) return "helpdesk";
    if (hash.startsWith("group")) return "group";
    if (hash === "outbox") return "outbox";
    if (hash === "guides") return "guides";
    return "worklist";
  }

  function route() {
    const hash = location.hash.replace(/^#/, "");
    switch (currentScreen()) {
      case "visit":
        return screens.screenVisit(hash.split("/")[1]);
      case "signal":
        return screens.screenSignal();
      case "helpdesk":
        return screens.screenHelpdesk();
      case "group":
        return screens.screenGroup();
      case "outbox":
        return screens.screenOutbox();
      case "guides":
        return ns.guides.screenGuides();
      default:
        return screens.screenWorklist();
    }
  }

  // Redraw a screen that shows stored data when that data changes (never a form being filled in).
  function redrawIf(screen) {
    if (currentScreen() === screen) route();
  }

  async function refreshBadge() {
    const all = await store.outboxAll();
    const count = state.session ? all.filter((r) => store.isMine(r, state.session)).length : 0;
    document.getElementById("outbox-count").textContent = count ? String(count) : "";
  }

  function setNetworkStatus() {
    const el = document.getElementById("net");
    el.textContent = navigator.onLine ? T.online : T.offline;
    el.className = navigator.onLine ? "net on" : "net off";
  }

  ns.app = { route, redrawIf, refreshBadge };

  async function start() {
    setNetworkStatus();
    // Whoever holds the cookie is the member of this phone now; what anyone else left readable goes.
    state.session = store.readSession();
    await store.forgetAllBut(state.session);
    if (state.session) {
      await store.kv.del("notice");
      state.worklist = await store.loadWorklist(state.session);
    }
    ns.sync.onWorklistChange(() => {
      refreshBadge();
      if (["worklist", "outbox"].includes(currentScreen()) || !state.session) route();
    });
    window.addEventListener("online", () => {
      setNetworkStatus();
      ns.sync.schedule(1); // within a second or so of the signal coming back
    });
    window.addEventListener("offline", setNetworkStatus);
    window.addEventListener("hashchange", route);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/" }).catch(() => {});
    }
    await refreshBadge();
    await route();
    if (navigator.onLine) await ns.sync.sync({ manual: false });
    // A fallback for phones whose browser never says the signal came back.
    setInterval(() => navigator.onLine && !state.running && ns.sync.sync({ manual: false }), 60000);
    document.body.dataset.ready = "1";
    ns.guides.refresh();
  }
  start();
})((self.LangSoField = self.LangSoField || {}));
