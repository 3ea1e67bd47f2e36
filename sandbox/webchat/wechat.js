// Tongxin web chat: a WeChat persona's chat with the Official Account, drawn as WeChat draws it
// (green bubbles for what you say, menu messages with tappable blue lines, template cards). It
// acts through the emulated WeChat's control API (the server's /api/wechat/...).
"use strict";

(() => {
  const { t, el, post, kindLabel } = window.Tongxin;

  // The same interface as Panel (app.js drives both): apply(snap), relabel(), updateVisibility(),
  // focusInput(), focusWhenLoaded(), destroy(), name(), digest, tab.
  class WechatPanel {
    constructor(persona, shell) {
      this.persona = persona;
      this.id = persona.id; // the openid
      this.shell = shell;
      this.digest = "";
      this.snap = null;
      this.unread = false;
      this.stick = true;

      this.account = el("h2", { class: "wx-account", text: "" });
      this.as = el("p", { class: "as" });
      this.closeButton = el(
        "button",
        { type: "button", class: "icon close", onclick: () => shell.close(this.id) },
        el("span", { "aria-hidden": "true", text: "✕" }),
      );
      this.log = el("div", { class: "messages wx-log", role: "log", "aria-live": "polite", tabindex: "0" });
      this.input = el("input", { type: "text", class: "text", id: `input-${this.id}`, maxlength: "2048", autocomplete: "off", enterkeyhint: "send" });
      this.label = el("label", { class: "sr-only", for: this.input.id });
      this.voiceButton = el("button", { type: "button", class: "wx-say", onclick: () => this.say() });
      this.sendButton = el("button", { type: "submit", class: "send wx-send" });
      const composer = el("form", { class: "composer wx-composer" }, this.voiceButton, this.label, this.input, this.sendButton);
      composer.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = this.input.value;
        if (!text.trim()) return;
        this.input.value = "";
        this.act("text", { content: text });
      });
      this.log.addEventListener("click", (event) => {
        const line = event.target.closest("button.wx-line");
        if (line && this.log.contains(line)) this.act("tap", { id: line.dataset.id, content: line.dataset.content });
      });
      this.log.addEventListener("scroll", () => {
        const log = this.log;
        if (log.clientHeight > 0) this.stick = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
      });
      const head = el(
        "header",
        { class: "chat-head wx-head" },
        el("div", { class: "who" }, this.account, this.as),
        this.closeButton,
      );
      this.root = el(
        "section",
        { class: "phone wx", role: "tabpanel", id: `panel-${this.id}`, "data-user": this.id, "aria-labelledby": `tab-${this.id}` },
        head,
        this.log,
        composer,
      );
      document.querySelector("#panels").append(this.root);
      this.tab = el("button", {
        type: "button",
        role: "tab",
        id: `tab-${this.id}`,
        class: "tab wx-tab",
        "aria-controls": this.root.id,
        onclick: () => shell.select(this.id),
        onkeydown: (event) => shell.tabKey(event, this.id),
      });
      document.querySelector("#tabs").append(this.tab);
      this.relabel();
    }

    name() {
      return this.persona.name;
    }

    relabel() {
      const name = this.name();
      this.tab.replaceChildren(
        el("span", { class: "t-name", text: `💬 ${name}` }),
        el("span", { class: "t-kind", text: kindLabel(this.persona) }),
      );
      if (this.unread) this.tab.append(el("span", { class: "dot", role: "img", "aria-label": t("unread", { name }) }));
      this.account.textContent = this.snap?.account || t("wx.account");
      this.as.textContent = t("as", { name, kind: kindLabel(this.persona) });
      this.closeButton.setAttribute("aria-label", t("close.tab", { name }));
      this.log.setAttribute("aria-label", `${t("wx.log")} · ${name}`);
      this.label.textContent = t("input");
      this.input.placeholder = t("wx.placeholder");
      this.voiceButton.textContent = t("wx.say");
      this.voiceButton.setAttribute("aria-description", t("wx.say.hint"));
      this.sendButton.textContent = t("send");
      if (this.snap) this.render(this.snap, false);
    }

    updateVisibility() {
      const selected = this.shell.selected(this.id);
      this.root.hidden = !this.shell.shown(this.id);
      this.root.classList.toggle("selected", selected);
      this.tab.setAttribute("aria-selected", String(selected));
      this.tab.tabIndex = selected ? 0 : -1;
      if (!this.root.hidden && this.stick) this.log.scrollTop = this.log.scrollHeight;
      if (!this.root.hidden && this.unread) {
        this.unread = false;
        this.relabel();
      }
    }

    focusInput() {
      this.input.focus();
    }

    focusWhenLoaded() {
      this.focusInput();
    }

    destroy() {
      this.root.remove();
      this.tab.remove();
    }

    apply(snap) {
      this.digest = snap.digest;
      this.render(snap, true);
    }

    render(snap, fresh) {
      const before = this.snap ? this.snap.messages.length : 0;
      this.snap = snap;
      this.account.textContent = snap.account || t("wx.account");
      this.log.replaceChildren(...snap.messages.map((m) => messageNode(m)));
      this.root.dataset.messages = String(snap.messages.length);
      if (this.stick || before === 0) this.log.scrollTop = this.log.scrollHeight;
      const last = snap.messages.at(-1);
      if (fresh && before > 0 && snap.messages.length > before && this.root.hidden && last?.side === "bot") {
        this.unread = true;
        this.relabel();
      }
    }

    // A voice note: WeChat recognises what the tester typed in the box as the spoken words.
    say() {
      const words = this.input.value;
      if (!words.trim()) {
        this.shell.toast(t("wx.say.empty"), false, this.name());
        this.input.focus();
        return;
      }
      this.input.value = "";
      this.act("voice", { recognition: words });
    }

    async act(kind, body) {
      try {
        await post(`api/wechat/${encodeURIComponent(this.id)}/${kind}`, body);
      } catch (_err) {
        this.shell.toast(t("error.network"), false, this.name());
      }
    }
  }

  function messageNode(m) {
    const mine = m.side === "me";
    const node = el("div", { class: `msg wx-msg ${mine ? "me" : "bot"} kind-${m.kind}`, "data-id": m.id });
    node.append(el("span", { class: "sr-only", text: `${mine ? t("you") : t("wx.account")}：` }));
    if (m.kind === "menu") {
      node.append(el("div", { class: "text", text: m.head }));
      const list = el("div", { class: "wx-lines", role: "group" });
      for (const line of m.lines) {
        list.append(el("button", { type: "button", class: "wx-line", "data-id": line.id, "data-content": line.text, text: line.text }));
      }
      node.append(list);
      if (m.tail) node.append(el("div", { class: "text", text: m.tail }));
    } else if (m.kind === "template") {
      node.classList.add("wx-card");
      node.append(templateCard(m));
    } else if (m.kind === "voice") {
      node.append(el("div", { class: "voice" }, el("span", { "aria-hidden": "true", text: "🎤" }), el("span", { text: t("wx.voice") })));
      node.append(el("div", { class: "text wx-recognised", text: m.text }));
    } else if (m.kind === "image") {
      node.append(el("p", { class: "media-missing", text: t("photo.missing") }));
    } else if (m.kind === "other") {
      node.append(el("p", { class: "text muted", text: t("other") }));
    } else {
      node.append(el("div", { class: "text", text: m.text }));
    }
    return node;
  }

  // A template message as WeChat shows it: a card with its title, the first line, the fields one
  // a row, the remark, and "详情" when it links somewhere.
  function templateCard(m) {
    const card = el("div", { class: "wx-template" });
    card.append(el("h3", { class: "wx-title", text: m.title || t("wx.template") }));
    const rows = el("dl", { class: "wx-fields" });
    for (const field of m.fields) {
      if (field.key === "first" || field.key === "remark") {
        card.append(el("p", { class: `wx-${field.key}`, text: field.value }));
        continue;
      }
      rows.append(el("dt", { text: field.label || field.key }), el("dd", { text: field.value }));
    }
    const remark = card.querySelector(".wx-remark");
    if (remark) card.insertBefore(rows, remark);
    else card.append(rows);
    const more = el("div", { class: "wx-more" }, el("span", { text: t("wx.details") }), el("span", { "aria-hidden": "true", text: "›" }));
    if (m.url) card.append(el("a", { class: "wx-more-link", href: m.url, target: "_blank", rel: "noopener noreferrer" }, more));
    else card.append(more);
    return card;
  }

  window.Tongxin.WechatPanel = WechatPanel;
})();
