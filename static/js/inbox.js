/* The inbox in the browser: keyboard shortcuts, live countdowns, the tab title, new-message
 * notifications, bulk selection and composer checks. Everything here is an enhancement: the
 * pages work without it. No inline scripts anywhere (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const NOTIFY_KEY = "helpdesk:notify-buyer-messages";

  function inbox() { return $("#inbox"); }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  /* ---- Countdowns: the server renders them; the browser keeps them current. ---- */
  function span(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const h = Math.floor(minutes / 60), m = minutes % 60;
    if (h >= 24) return Math.floor(h / 24) + "d " + (h % 24) + "h";
    if (h > 0) return h + "h " + String(m).padStart(2, "0") + "m";
    return m + "m";
  }

  function updateCountdowns() {
    const box = inbox();
    const left = (box && box.dataset.leftFormat) || "%s left";
    const overdue = (box && box.dataset.overdueFormat) || "overdue %s";
    const now = Date.now();
    $$("time.countdown[data-deadline]").forEach((el) => {
      const ms = Date.parse(el.dataset.deadline) - now;
      el.textContent = (ms <= 0 ? overdue : left).replace("%s", span(ms));
      el.classList.toggle("overdue", ms <= 0);
      el.classList.toggle("due-soon", ms > 0 && ms < 6 * 3600 * 1000);
      el.classList.toggle("on-time", ms >= 6 * 3600 * 1000);
    });
  }

  /* ---- Tab title and needs-reply count ---- */
  function setNeedsReply(count) {
    const box = inbox();
    if (!box) return;
    box.dataset.needsReply = count;
    const badge = $("#needs-reply-count");
    if (badge) badge.textContent = count;
    const title = box.dataset.title || document.title;
    document.title = (Number(count) > 0 ? "(" + count + ") " : "") + title;
  }

  /* ---- Selection in the list ---- */
  function rows() { return $$("#thread-rows .row"); }

  function currentThreadId() {
    const conversation = $("#conversation[data-thread-id]");
    return conversation ? conversation.dataset.threadId : null;
  }

  function markSelected() {
    const id = currentThreadId();
    rows().forEach((row) => row.classList.toggle("selected", row.dataset.threadId === id));
    const box = inbox();
    if (box) box.classList.toggle("has-thread", Boolean(id));
  }

  function pickedCount() { return $$("#thread-rows .pick:checked").length; }

  function updateBulkBar() {
    const bar = $("#bulk-bar");
    if (!bar) return;
    const count = pickedCount();
    bar.classList.toggle("active", count > 0);
    const label = $("#selected-count");
    if (label) label.textContent = count > 0 ? (bar.dataset.selectedFormat || "%s selected").replace("%s", count) : (bar.dataset.selectLabel || label.textContent);
    const action = $("#bulk-action");
    $$(".bulk-arg", bar).forEach((el) => { el.hidden = !action || el.dataset.for !== action.value; });
  }

  function move(step) {
    const list = rows();
    if (!list.length) return;
    let index = list.findIndex((row) => row.classList.contains("selected"));
    index = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    const row = list[index];
    const link = $(".row-link", row);
    if (link) {
      list.forEach((r) => r.classList.toggle("selected", r === row));
      row.scrollIntoView({ block: "nearest" });
      row.classList.remove("unread");
      const dot = $(".dot", row);
      if (dot) dot.remove();
      link.click();
    }
  }

  /* ---- Refreshing the list without losing the agent's work ---- */
  function refreshList() {
    const focusInList = document.activeElement && document.activeElement.closest && document.activeElement.closest("#bulk-form");
    if (pickedCount() > 0 || focusInList) {
      const banner = $("#new-banner");
      if (banner) banner.hidden = false;
      return;
    }
    document.body.dispatchEvent(new CustomEvent("inbox:refresh"));
  }

  /* ---- Notifications of new buyer messages (opt-in, per browser) ---- */
  function notificationsOn() {
    return "Notification" in window && Notification.permission === "granted" && localStorage.getItem(NOTIFY_KEY) === "on";
  }

  function updateNotifyButton() {
    const button = $("#notify-toggle");
    if (!button || !("Notification" in window)) return;
    button.hidden = false;
    button.textContent = notificationsOn() ? button.dataset.on : button.dataset.off;
  }

  function notify(messages) {
    if (!notificationsOn() || !document.hidden) return;
    messages.slice(0, 3).forEach((el) => {
      const n = new Notification(el.dataset.buyer, { body: el.dataset.text, tag: "buyer-message-" + el.dataset.id });
      n.onclick = () => { window.focus(); window.location.href = el.dataset.url; };
    });
  }

  let lastSeenId = null;

  function onStatus(status) {
    setNeedsReply(status.dataset.needsReply);
    const latest = Number(status.dataset.latestId || 0);
    if (lastSeenId === null) { lastSeenId = latest; return; }
    if (latest > lastSeenId) {
      lastSeenId = latest;
      notify($$(".new-message", status));
      refreshList();
    }
  }

  /* ---- Composer: attachment checks before a 10 MB upload is wasted ---- */
  function checkFiles(input) {
    const form = input.form;
    const error = $("#attach-error");
    const allowed = (form.dataset.allowed || "").split(" ");
    const max = Number(form.dataset.maxBytes || 0);
    let total = 0, problem = "";
    Array.from(input.files).forEach((file) => {
      total += file.size;
      const ext = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
      if (!allowed.includes(ext)) problem = (error.dataset.typeFormat || "%s: file type not allowed").replace("%s", file.name);
    });
    if (!problem && max && total > max) {
      problem = (error.dataset.sizeFormat || "Attachments are %s MB; the limit is 10 MB.").replace("%s", (total / 1048576).toFixed(1));
    }
    error.textContent = problem;
    error.hidden = !problem;
    const send = $("#send-button");
    if (send) send.disabled = Boolean(problem);
  }

  /* ---- Events ---- */
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const dialog = $("#shortcuts");
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "r": { const text = $("#reply-text"); if (text) { event.preventDefault(); text.focus(); } break; }
      case "e": { const form = $("#nrn-form"); if (form) { event.preventDefault(); form.requestSubmit(); } break; }
      case "/": { const search = $("#search"); if (search) { event.preventDefault(); search.focus(); search.select(); } break; }
      case "?": if (dialog) { event.preventDefault(); dialog.open ? dialog.close() : dialog.showModal(); } break;
      default: return;
    }
  });

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches(".auto-submit")) target.form.submit();
    if (target.matches("#select-all")) { $$("#thread-rows .pick").forEach((box) => { box.checked = target.checked; }); }
    if (target.matches(".pick, #select-all, #bulk-action")) updateBulkBar();
    if (target.matches("#reply-files")) checkFiles(target);
  });

  document.addEventListener("click", (event) => {
    const target = event.target;
    const rowLink = target.closest && target.closest(".row-link");
    if (rowLink) {
      rows().forEach((r) => r.classList.toggle("selected", r.contains(rowLink)));
      const row = rowLink.closest(".row");
      row.classList.remove("unread");
      const dot = $(".dot", row);
      if (dot) dot.remove();
      const box = inbox();
      if (box) box.classList.add("has-thread");
    }
    if (target.closest && target.closest("#shortcuts-open")) { const d = $("#shortcuts"); if (d) d.showModal(); }
    if (target.closest && target.closest("#new-banner-show")) {
      $$("#thread-rows .pick:checked").forEach((box) => { box.checked = false; });
      $("#new-banner").hidden = true;
      document.body.dispatchEvent(new CustomEvent("inbox:refresh"));
    }
    if (target.closest && target.closest("#notify-toggle")) {
      if (notificationsOn()) { localStorage.setItem(NOTIFY_KEY, "off"); updateNotifyButton(); return; }
      Notification.requestPermission().then((permission) => {
        localStorage.setItem(NOTIFY_KEY, permission === "granted" ? "on" : "off");
        updateNotifyButton();
      });
    }
    if (target.closest && target.closest(".template-item")) {
      const menu = $("#template-menu");
      if (menu) menu.open = false;
    }
  });

  document.body.addEventListener("inbox:changed", refreshList);

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "inbox-status") return;
    updateCountdowns();
    markSelected();
    updateBulkBar();
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const status = $("#inbox-status");
    if (status && event.detail.target && event.detail.target.id === "inbox-status") onStatus(status);
    const body = $("#composer-body");
    if (event.detail.target && event.detail.target.id === "composer-body" && body) {
      const text = $("#reply-text", body);
      if (text) { text.focus(); text.setSelectionRange(text.value.length, text.value.length); }
    }
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const toast = $("#toast");
    if (!toast) return;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    toast.textContent = status === 403 ? toast.dataset.forbidden : status === 404 ? toast.dataset.missing : toast.dataset.failed;
    toast.hidden = false;
    setTimeout(() => { toast.hidden = true; }, 6000);
  });

  document.body.addEventListener("htmx:sendError", () => {
    const toast = $("#toast");
    if (!toast) return;
    toast.textContent = toast.dataset.offline;
    toast.hidden = false;
    setTimeout(() => { toast.hidden = true; }, 6000);
  });

  function start() {
    const status = $("#inbox-status");
    if (status) onStatus(status);
    const box = inbox();
    if (box) setNeedsReply(box.dataset.needsReply);
    updateCountdowns();
    markSelected();
    updateBulkBar();
    updateNotifyButton();
    setInterval(updateCountdowns, 30000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
