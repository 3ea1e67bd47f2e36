// Tongxin web chat: the page around the chats (settings, persona picker, tabs) and the one
// long-poll that keeps every open chat live.
"use strict";

(() => {
  const { $, read, prefs, savePrefs, t, el, post, kindLabel, Panel, WechatPanel } = window.Tongxin;
  const TABS_KEY = "tongxin.webchat.tabs"; // open personas (this browser tab only)
  const session = Object.assign({ tabs: [], active: null }, read(sessionStorage, TABS_KEY));
  const panels = new Map(); // user id -> Panel, in tab order
  let personas = [];
  let activeId = null;
  let poll = null; // AbortController of the running long-poll
  let wakePoller = () => {};
  let wxPoll = null; // the same for the WeChat chats
  let wakeWxPoller = () => {};

  const isWechat = (persona) => persona.channel === "wechat";
  const newPanel = (persona) => (isWechat(persona) ? new WechatPanel(persona, shell) : new Panel(persona, shell));

  const pickerOpen = () => !$("#picker").hidden;

  const shell = {
    toast,
    close: closePersona,
    select: (id) => {
      showPicker(false);
      activate(id, false);
    },
    tabKey: onTabKey,
    selected: (id) => activeId === id,
    shown: (id) => !pickerOpen() && (prefs.side || activeId === id),
  };

  function save() {
    savePrefs();
    const tabs = [...panels.values()].map((p) => p.persona);
    sessionStorage.setItem(TABS_KEY, JSON.stringify({ tabs, active: activeId }));
  }

  function applyChrome() {
    const html = document.documentElement;
    html.lang = t("html.lang");
    html.classList.toggle("large", prefs.large);
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", t(node.dataset.i18nAria));
    const lang = $("#lang-toggle");
    lang.textContent = t("lang.other");
    lang.lang = prefs.lang === "zh" ? "en" : "zh-CN";
    lang.setAttribute("aria-label", t("lang.switch"));
    $("#large-toggle").setAttribute("aria-pressed", String(prefs.large));
    $("#side-toggle").setAttribute("aria-pressed", String(prefs.side));
    $("#panels").classList.toggle("side", prefs.side);
    renderPicker();
    for (const panel of panels.values()) {
      panel.relabel();
      panel.updateVisibility();
    }
  }

  // A callback answer (or an error): a toast, or with `alert` a dialog to close. With several
  // personas open it says whose it is.
  function toast(text, alert, who) {
    const several = panels.size > 1 && who;
    if (alert) {
      $("#alert-title").textContent = several ? who : t("alert.title");
      $("#alert-text").textContent = text;
      const dialog = $("#alert");
      if (!dialog.open) dialog.showModal();
      $("#alert-ok").focus();
      return;
    }
    const node = el("div", { class: "toast", text: several ? `${who}：${text}` : text });
    $("#toasts").append(node);
    setTimeout(() => node.remove(), 3500);
  }

  // -- persona picker ------------------------------------------------------------------------
  function renderPicker() {
    const list = $("#persona-list");
    list.replaceChildren();
    const choices = [...personas, { id: "new", name: t("new.name"), kind: "new", town: "" }];
    for (const persona of choices) {
      const name = persona.id === "new" ? `🆕 ${t("new.name")}` : persona.name;
      const button = el(
        "button",
        { type: "button", class: `persona kind-${persona.kind}`, onclick: () => choose(persona) },
        el("span", { class: "p-name", text: name }),
        el("span", { class: "p-kind", text: kindLabel(persona) }),
        panels.has(persona.id) ? el("span", { class: "p-open", text: t("picker.open") }) : null,
      );
      list.append(el("li", {}, button));
    }
  }

  function showPicker(show) {
    $("#picker").hidden = !show;
    $("#picker-close").hidden = panels.size === 0;
    $("#add-persona").setAttribute("aria-expanded", String(show));
    for (const panel of panels.values()) panel.updateVisibility();
    if (show) $("#picker .persona")?.focus();
  }

  async function choose(persona) {
    if (persona.id === "new") {
      try {
        persona = await post("api/personas/new", { language: prefs.lang });
      } catch (_err) {
        toast(t("error.network"));
        return;
      }
    }
    openPersona(persona);
  }

  function openPersona(persona) {
    if (!panels.has(persona.id)) {
      panels.set(persona.id, newPanel(persona));
      restartPoll();
    }
    showPicker(false);
    activate(persona.id, true);
    renderPicker();
  }

  // -- tabs ----------------------------------------------------------------------------------
  function activate(id, focusChat) {
    activeId = id;
    for (const panel of panels.values()) panel.updateVisibility();
    save();
    if (focusChat) panels.get(id)?.focusWhenLoaded();
  }

  function closePersona(id) {
    const panel = panels.get(id);
    if (!panel) return;
    const order = [...panels.keys()];
    const index = order.indexOf(id);
    panel.destroy();
    panels.delete(id);
    restartPoll();
    const next = order[index + 1] ?? order[index - 1];
    if (next !== undefined) activate(next, false);
    else {
      activeId = null;
      save();
      showPicker(true);
    }
    panels.get(activeId)?.tab.focus();
    renderPicker();
  }

  // Arrow keys, Home and End move between tabs; Delete closes one.
  function onTabKey(event, id) {
    const order = [...panels.keys()];
    const index = order.indexOf(id);
    const moves = {
      ArrowRight: order[(index + 1) % order.length],
      ArrowLeft: order[(index - 1 + order.length) % order.length],
      Home: order[0],
      End: order[order.length - 1],
    };
    if (event.key === "Delete") {
      event.preventDefault();
      closePersona(id);
      return;
    }
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    shell.select(next);
    panels.get(next).tab.focus();
  }

  // -- live updates: one long-poll for every open persona ------------------------------------
  function restartPoll() {
    if (poll) poll.abort();
    if (wxPoll) wxPoll.abort();
    wakePoller();
    wakeWxPoller();
  }

  // The WeChat chats have a long-poll of their own (the server reads the emulator's inboxes).
  async function wechatPollLoop() {
    for (;;) {
      const chats = {};
      for (const [id, panel] of panels) if (isWechat(panel.persona)) chats[id] = panel.digest;
      if (Object.keys(chats).length === 0) {
        await new Promise((resolve) => {
          wakeWxPoller = resolve;
        });
        continue;
      }
      wxPoll = new AbortController();
      try {
        const response = await fetch("api/wechat/updates", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ chats, timeout: 20 }),
          signal: wxPoll.signal,
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        for (const [id, snap] of Object.entries(data.chats)) panels.get(id)?.apply(snap);
      } catch (err) {
        if (err.name === "AbortError") continue;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async function pollLoop() {
    for (;;) {
      if (panels.size === 0) {
        await new Promise((resolve) => {
          wakePoller = resolve;
        });
        continue;
      }
      const chats = {};
      for (const [id, panel] of panels) if (!isWechat(panel.persona)) chats[id] = panel.digest;
      if (Object.keys(chats).length === 0) {
        await new Promise((resolve) => {
          wakePoller = resolve;
        });
        continue;
      }
      poll = new AbortController();
      try {
        const response = await fetch("api/updates", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ chats, timeout: 20 }),
          signal: poll.signal,
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        document.body.classList.remove("offline");
        for (const [id, snap] of Object.entries(data.chats)) panels.get(Number(id))?.apply(snap);
      } catch (err) {
        if (err.name === "AbortError") continue;
        if (!document.body.classList.contains("offline")) toast(t("error.network"));
        document.body.classList.add("offline");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  // -- start-up ------------------------------------------------------------------------------
  function toggle(name) {
    prefs[name] = !prefs[name];
    save();
    applyChrome();
  }

  async function start() {
    $("#lang-toggle").addEventListener("click", () => {
      prefs.lang = prefs.lang === "zh" ? "en" : "zh";
      save();
      applyChrome();
    });
    $("#large-toggle").addEventListener("click", () => toggle("large"));
    $("#side-toggle").addEventListener("click", () => toggle("side"));
    $("#add-persona").addEventListener("click", () => showPicker(!pickerOpen()));
    $("#picker-close").addEventListener("click", () => {
      showPicker(false);
      panels.get(activeId)?.focusInput();
    });
    applyChrome();
    try {
      personas = (await (await fetch("api/personas")).json()).personas;
    } catch (_err) {
      toast(t("error.network"));
    }
    for (const persona of session.tabs || []) {
      if (persona && persona.id) panels.set(persona.id, newPanel(persona));
    }
    activeId = panels.has(session.active) ? session.active : (panels.keys().next().value ?? null);
    // ?as=<id> opens that persona, ?new=1 a new user (then the address is cleaned up).
    const params = new URLSearchParams(location.search);
    const as = Number(params.get("as"));
    const wx = personas.find((p) => isWechat(p) && p.id === params.get("wx"));
    if (params.has("as") || params.has("new") || params.has("wx")) history.replaceState(null, "", location.pathname);
    if (params.has("new")) await choose({ id: "new" });
    else if (wx) openPersona(wx);
    else if (as > 0) {
      const known = personas.find((p) => p.id === as);
      openPersona(known || { id: as, name: `${t("new.name")} ${as}`, kind: "new", town: "", language: prefs.lang });
    }
    renderPicker();
    showPicker(panels.size === 0);
    if (activeId !== null) activate(activeId, false);
    document.body.dataset.ready = "1";
    pollLoop();
    wechatPollLoop();
  }

  start();
})();
