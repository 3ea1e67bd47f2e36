// Tongxin web chat: one persona's chat (a phone screen) and how it renders a snapshot.
"use strict";

(() => {
  const { $, t, el, post, kindLabel, displayName, clock, audioSeconds } = window.Tongxin;
  const BUSY_MS = 4000; // how long reply buttons ignore taps after one (or until the bot answers)
  // Back and Main menu as the bot labels them (nav.back, nav.home in locales/*/common.po): the
  // page pins them below the keyboard's other choices, so they never scroll out of sight.
  const NAV_LABELS = new Set(["⬅️ 返回", "🏠 主菜单", "⬅️ Back", "🏠 Main menu"]);

  // `shell` is the page around the chat: toast(), close(id), select(id), tabKey(event, id),
  // shown(id) and selected(id).
  class Panel {
    constructor(persona, shell) {
      this.persona = persona;
      this.id = persona.id;
      this.shell = shell;
      this.digest = "";
      this.snap = null;
      this.items = new Map(); // message id -> {sig, node}
      this.keyboardSig = "";
      this.answersSeen = null;
      this.busyUntil = 0;
      this.unread = false;
      this.followFocus = false; // move the focus to the next screen's first button
      this.focusOnLoad = false;
      this.stick = true; // follow new messages unless the reader scrolled up

      const root = $("#panel-template").content.firstElementChild.cloneNode(true);
      root.id = `panel-${this.id}`;
      root.dataset.user = String(this.id);
      root.setAttribute("aria-labelledby", `tab-${this.id}`);
      this.root = root;
      this.log = $(".messages", root);
      this.keyboard = $(".keyboard", root);
      this.startArea = $(".start-area", root);
      this.input = $(".text", root);
      this.input.id = `input-${this.id}`;
      $(".text-label", root).setAttribute("for", this.input.id);
      this.closeButton = el(
        "button",
        { type: "button", class: "icon close", onclick: () => shell.close(this.id) },
        el("span", { "aria-hidden": "true", text: "✕" }),
      );
      $(".chat-head", root).append(this.closeButton);
      $(".popout", root).href = `?as=${this.id}`;
      $(".start", root).addEventListener("click", () => this.act("text", { text: "/start" }));
      $(".composer", root).addEventListener("submit", (event) => {
        event.preventDefault();
        const text = this.input.value;
        if (!text.trim()) return;
        this.input.value = "";
        this.act("text", { text });
      });
      this.log.addEventListener("click", (event) => this.onLogClick(event));
      this.log.addEventListener("scroll", () => {
        const log = this.log;
        if (log.clientHeight > 0) this.stick = log.scrollHeight - log.scrollTop - log.clientHeight < 120;
      });
      this.input.addEventListener("focus", () => {
        this.followFocus = false;
      });
      this.wireUpload($(".photo-btn", root), $(".photo-file", root), "photo");
      this.wireUpload($(".voice-btn", root), $(".voice-file", root), "voice");
      $("#panels").append(root);

      this.tab = el("button", {
        type: "button",
        role: "tab",
        id: `tab-${this.id}`,
        class: "tab",
        "aria-controls": root.id,
        onclick: () => shell.select(this.id),
        onkeydown: (event) => shell.tabKey(event, this.id),
      });
      $("#tabs").append(this.tab);
      this.relabel();
    }

    name() {
      return displayName(this.persona);
    }

    // (Re)write every word of the chrome in the page's language; re-render the messages.
    relabel() {
      const name = this.name();
      const kind = this.persona.kind === "new" ? t("kind.new.short") : kindLabel(this.persona);
      this.tab.replaceChildren(el("span", { class: "t-name", text: name }), el("span", { class: "t-kind", text: kind }));
      if (this.unread) this.tab.append(el("span", { class: "dot", role: "img", "aria-label": t("unread", { name }) }));
      $(".as", this.root).textContent = t("as", { name, kind: kindLabel(this.persona) });
      const popout = $(".popout", this.root);
      popout.textContent = t("popout");
      popout.setAttribute("aria-label", t("popout.label", { name }));
      this.closeButton.setAttribute("aria-label", t("close.tab", { name }));
      this.closeButton.title = t("close.tab", { name });
      this.log.setAttribute("aria-label", `${t("chat.log")} · ${name}`);
      this.keyboard.setAttribute("aria-label", t("keyboard"));
      this.input.placeholder = t("placeholder");
      for (const node of this.root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
      for (const node of this.root.querySelectorAll("[data-i18n-aria]")) {
        node.setAttribute("aria-label", t(node.dataset.i18nAria));
      }
      if (this.snap) {
        this.items.forEach((item) => item.node.remove());
        this.items.clear();
        this.keyboardSig = "";
        this.render(this.snap, false);
      }
    }

    updateVisibility() {
      const selected = this.shell.selected(this.id);
      this.root.hidden = !this.shell.shown(this.id);
      this.root.classList.toggle("selected", selected);
      this.tab.setAttribute("aria-selected", String(selected));
      this.tab.tabIndex = selected ? 0 : -1;
      if (!this.root.hidden && this.stick) this.toBottom();
      if (!this.root.hidden && this.unread) {
        this.unread = false;
        this.relabel();
      }
    }

    toBottom() {
      this.log.scrollTop = this.log.scrollHeight;
    }

    // Focus what comes next: the first reply button, else START, else the message box.
    focusInput() {
      const shown = (node) => node && node.offsetParent !== null;
      const first = [$(".kb-btn", this.root), $(".start", this.root)].find(shown);
      (first || this.input).focus();
    }

    focusWhenLoaded() {
      if (this.snap) this.focusInput();
      else this.focusOnLoad = true; // its buttons are not there yet
    }

    destroy() {
      this.root.remove();
      this.tab.remove();
    }

    // A snapshot from the server (sent only when it differs from the last one).
    apply(snap) {
      this.digest = snap.digest;
      this.render(snap, true);
    }

    render(snap, fresh) {
      const before = this.snap ? this.snap.messages.length : 0;
      const lastBefore = this.snap?.messages.at(-1)?.id ?? 0;
      this.snap = snap;
      this.renderMessages(snap.messages);
      const arrived = (snap.messages.at(-1)?.id ?? 0) > lastBefore;
      const answered = snap.messages.some((m) => m.id > lastBefore && m.side === "bot");
      const keyboardChanged = this.renderKeyboard(snap.keyboard);
      if (snap.messages.length > 0 && this.startArea.contains(document.activeElement)) this.log.focus();
      this.startArea.hidden = snap.messages.length > 0;
      this.root.dataset.messages = String(snap.messages.length);
      if (answered || keyboardChanged) this.busyUntil = 0;
      this.root.classList.toggle("busy", Date.now() < this.busyUntil);
      if (this.stick || (arrived && before === 0)) this.toBottom();
      if (fresh && arrived && before > 0 && this.root.hidden && snap.messages.at(-1).side === "bot") {
        this.unread = true;
        this.relabel();
      }
      this.showAnswers(snap);
      if (this.focusOnLoad) {
        this.focusOnLoad = false;
        this.focusInput();
      }
    }

    // Keyed by message id: new ones are added, edited ones replaced, deleted ones removed.
    renderMessages(messages) {
      const seen = new Set();
      let previous = null;
      for (const message of messages) {
        const sig = JSON.stringify(message);
        let item = this.items.get(message.id);
        if (!item || item.sig !== sig) {
          const node = this.messageNode(message);
          if (item) item.node.replaceWith(node);
          item = { sig, node };
          this.items.set(message.id, item);
        }
        const wanted = previous ? previous.nextSibling : this.log.firstChild;
        if (wanted !== item.node) this.log.insertBefore(item.node, wanted);
        previous = item.node;
        seen.add(message.id);
      }
      for (const [id, item] of this.items) {
        if (!seen.has(id)) {
          item.node.remove();
          this.items.delete(id);
        }
      }
    }

    // Callback answers not seen yet: a toast, or an alert the reader must close.
    showAnswers(snap) {
      if (this.answersSeen !== null) {
        for (const answer of snap.answers) {
          if (answer.index >= this.answersSeen && answer.text) this.shell.toast(answer.text, answer.alert, this.name());
        }
      }
      this.answersSeen = snap.answers_total;
    }

    renderKeyboard(rows) {
      const sig = JSON.stringify(rows);
      if (sig === this.keyboardSig) return false;
      this.keyboardSig = sig;
      const hadFocus = this.followFocus || this.keyboard.contains(document.activeElement);
      this.keyboard.replaceChildren();
      this.keyboard.hidden = !rows || rows.length === 0;
      const choices = el("div", { class: "kb-choices" });
      const nav = [];
      for (const row of rows || []) {
        const line = el("div", { class: "kb-row" });
        for (const button of row) {
          const attrs = { type: "button", class: button.contact ? "kb-btn contact" : "kb-btn", onclick: () => this.press(button) };
          if (button.contact) attrs["aria-description"] = t("share.contact");
          const node = el("button", attrs, button.text);
          if (NAV_LABELS.has(button.text.trim())) nav.push(node);
          else line.append(node);
        }
        if (line.childElementCount) choices.append(line);
      }
      this.keyboard.append(choices);
      if (nav.length) this.keyboard.append(el("div", { class: "kb-nav" }, el("div", { class: "kb-row" }, ...nav)));
      if (hadFocus && rows && rows.length) {
        this.followFocus = false;
        this.focusInput();
      }
      return true;
    }

    messageNode(m) {
      const mine = m.side === "me";
      const node = el("div", { class: `msg ${mine ? "me" : "bot"} kind-${m.kind}`, "data-id": m.id });
      node.append(el("span", { class: "sr-only", text: `${mine ? t("you") : t("bot")}：` }));
      const media = this.mediaNode(m);
      const captionFirst = m.kind === "document" && !mine && m.text;
      if (captionFirst) node.append(textNode(m.text));
      if (media) node.append(media);
      if (m.text && !captionFirst && !["sticker", "contact"].includes(m.kind)) {
        node.append(mine ? el("div", { class: "text", text: m.text }) : textNode(m.text));
      }
      const meta = el("div", { class: "meta" });
      if (m.edited) meta.append(el("span", { class: "edited", text: t("edited") }), " ");
      meta.append(el("time", { text: clock(m.date) }));
      node.append(meta);
      if (m.inline && m.inline.length) node.append(inlineKeyboard(m));
      return node;
    }

    mediaNode(m) {
      const file = m.file || {};
      if (m.kind === "photo") {
        if (!file.url) return el("p", { class: "media-missing", text: t("photo.missing") });
        return el("img", { src: file.url, alt: m.text || t("photo.alt"), loading: "lazy" });
      }
      if (m.kind === "voice") {
        const label = t("voice.label", { seconds: file.duration || 1 });
        const box = el("div", {}, el("div", { class: "voice" }, el("span", { "aria-hidden": "true", text: "🎤" }), el("span", { text: label })));
        if (file.url) box.append(el("audio", { controls: true, preload: "none", src: file.url, "aria-label": label }));
        return box;
      }
      if (m.kind === "document") {
        // The caption says what the file is for ("添加到手机日历"), above; the link only opens
        // it. A file is never introduced by its name and size (issue 11, item 7).
        const name = file.name || "file";
        const label = m.text ? t("document.open") : t("document.download", { name });
        return el(
          "a",
          { class: "doc", href: file.url || "#", download: name },
          el("span", { class: "doc-icon", "aria-hidden": "true", text: name.endsWith(".ics") ? "📅" : "📄" }),
          el("span", { class: "doc-name", text: label }),
        );
      }
      if (m.kind === "sticker") {
        return el("div", { class: "sticker", role: "img", "aria-label": `${t("sticker")} ${m.text}`, text: m.text });
      }
      if (m.kind === "contact") return el("p", { class: "text", text: t("contact.shared", { phone: m.text }) });
      if (m.kind === "other") return el("p", { class: "text muted", text: t("other") });
      return null;
    }

    onLogClick(event) {
      const target = event.target.closest("button.ikb, button.cmd");
      if (!target || !this.log.contains(target)) return;
      if (target.classList.contains("cmd")) this.act("text", { text: target.dataset.command });
      else this.act("tap", { message_id: Number(target.dataset.message), data: target.dataset.data });
    }

    press(button) {
      if (Date.now() < this.busyUntil) return; // a double tap must not answer the next question
      this.act("press", { label: button.text });
    }

    async act(kind, body) {
      // Someone working the keyboard (or START) lands on the next screen's first button.
      const active = document.activeElement;
      this.followFocus = this.keyboard.contains(active) || this.startArea.contains(active);
      this.busyUntil = kind === "tap" ? 0 : Date.now() + BUSY_MS;
      this.root.classList.toggle("busy", this.busyUntil > 0);
      setTimeout(() => this.root.classList.toggle("busy", Date.now() < this.busyUntil), BUSY_MS + 50);
      try {
        await post(`api/chats/${this.id}/${kind}`, body);
      } catch (err) {
        this.busyUntil = 0;
        this.root.classList.remove("busy");
        this.shell.toast(err.status === 400 ? t("error.stale") : t("error.network"), false, this.name());
      }
    }

    wireUpload(button, input, kind) {
      button.addEventListener("click", () => input.click());
      input.addEventListener("change", async () => {
        const file = input.files && input.files[0];
        input.value = "";
        if (!file) return;
        const form = new FormData();
        form.append("file", file, file.name);
        if (kind === "photo" && this.input.value.trim()) {
          form.append("caption", this.input.value);
          this.input.value = "";
        }
        if (kind === "voice") form.append("duration", String(await audioSeconds(file)));
        try {
          await post(`api/chats/${this.id}/${kind}`, form);
        } catch (_err) {
          this.shell.toast(t("error.upload"), false, this.name());
        }
      });
    }
  }

  // Text as Telegram shows it: plain, with /commands tappable.
  function textNode(text) {
    const node = el("div", { class: "text" });
    const parts = text.split(/(^|\s)(\/[a-z][a-z0-9_]{0,31})(?=$|[\s,.，。)）])/);
    for (let i = 0; i < parts.length; i++) {
      if (i % 3 === 2) node.append(el("button", { type: "button", class: "cmd", "data-command": parts[i], text: parts[i] }));
      else if (parts[i]) node.append(parts[i]);
    }
    return node;
  }

  // Inline buttons under their message: callback buttons (tapped through the log's click
  // handler) and URL buttons (plain links).
  function inlineKeyboard(m) {
    const board = el("div", { class: "inline-kb", role: "group", "aria-label": t("keyboard") });
    for (const row of m.inline) {
      const line = el("div", { class: "ikb-row" });
      for (const button of row) {
        if (button.url) {
          line.append(el("a", { class: "ikb", href: button.url, target: "_blank", rel: "noopener noreferrer", text: button.text }));
        } else {
          line.append(el("button", { type: "button", class: "ikb", "data-data": button.data ?? "", "data-message": m.id, text: button.text }));
        }
      }
      board.append(line);
    }
    return board;
  }

  window.Tongxin.Panel = Panel;
})();
