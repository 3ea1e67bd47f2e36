// Tongxin web chat, shared helpers: preferences, the page's words, DOM building, the server.
// Plain browser JavaScript (no build step, nothing loaded from the internet).
"use strict";

window.Tongxin = (() => {
  const UI = window.TONGXIN_UI;
  const PREFS_KEY = "tongxin.webchat.prefs"; // language, large text, side by side (all tabs)
  const TZ = "Asia/Shanghai";

  const $ = (sel, root = document) => root.querySelector(sel);

  function read(storage, key) {
    try {
      return JSON.parse(storage.getItem(key) || "{}") || {};
    } catch (_err) {
      return {};
    }
  }

  const prefs = Object.assign({ lang: "zh", large: false, side: false }, read(localStorage, PREFS_KEY));

  function savePrefs() {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  }

  // The page's own words in its current language, with {name} placeholders filled in.
  function t(key, vars = {}) {
    let text = (UI[prefs.lang] || UI.zh)[key] ?? UI.zh[key] ?? key;
    for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  // POST JSON (or a FormData upload); the error carries the HTTP status.
  async function post(path, body) {
    const init = { method: "POST" };
    if (body instanceof FormData) init.body = body;
    else {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(body || {});
    }
    const response = await fetch(path, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw Object.assign(new Error(data.error || String(response.status)), { status: response.status });
    }
    return data;
  }

  function kindLabel(persona) {
    let kind = t(`kind.${persona.kind}`);
    if (persona.channel === "wechat") kind = `${kind} · ${t("channel.wechat")}`;
    return persona.town ? `${t(`town.${persona.town}`)} · ${kind}` : kind;
  }

  function displayName(persona) {
    return persona.kind === "new" ? `${t("new.name")} ${persona.id}` : persona.name;
  }

  // A message's time, in the towns' time zone (the browser's own ICU data: works offline).
  function clock(seconds) {
    const locale = prefs.lang === "en" ? "en-GB" : "zh-CN";
    const format = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: TZ });
    return format.format(new Date(seconds * 1000));
  }

  // Length of an audio file in whole seconds (1 when the browser cannot tell).
  function audioSeconds(file) {
    return new Promise((resolve) => {
      const url = URL.createObjectURL(file);
      const audio = new Audio();
      const done = (value) => {
        URL.revokeObjectURL(url);
        resolve(Number.isFinite(value) && value > 0 ? Math.max(1, Math.round(value)) : 1);
      };
      audio.addEventListener("loadedmetadata", () => done(audio.duration));
      audio.addEventListener("error", () => done(1));
      setTimeout(() => done(1), 1500);
      audio.preload = "metadata";
      audio.src = url;
    });
  }

  return { $, read, prefs, savePrefs, t, el, post, kindLabel, displayName, clock, audioSeconds };
})();
