/* Compliance in the browser: the send button follows the live check (disabled while a finding
 * blocks, or until the warnings are confirmed), the attachments are described to the check,
 * proactive messages count characters against their type's limit, and a send form is posted
 * once. An enhancement only: the server checks every send again and refuses what it must. */
(function () {
  "use strict";

  const $ = (selector, root) => (root || document).querySelector(selector);

  // Each form that is checked: its findings panel, its confirmation box and its send button.
  const FORMS = [
    { form: "#reply-form", findings: "#compliance-findings", confirm: "#confirm-warnings", send: "#send-button" },
    { form: "#proactive-form", findings: "#proactive-findings", confirm: "#proactive-confirm", send: "#proactive-send" },
  ];

  function attachmentProblem() {
    const error = $("#attach-error");
    return Boolean(error && !error.hidden);
  }

  function lengthProblem(form) {
    const limit = chosenLimit(form);
    const text = $("textarea[name=text]", form);
    return Boolean(limit && text && text.value.length > limit);
  }

  function updateSend() {
    FORMS.forEach((spec) => {
      const form = $(spec.form), send = $(spec.send), findings = $(spec.findings);
      if (!form || !send) return;
      const confirm = $(spec.confirm);
      const blocking = findings && findings.dataset.blocking === "true";
      const unconfirmed = findings && findings.dataset.warnings === "true" && !(confirm && confirm.checked);
      const problem = blocking || unconfirmed || lengthProblem(form) || (spec.form === "#reply-form" && attachmentProblem());
      send.disabled = Boolean(problem);
    });
  }

  function check(findingsSelector) {
    const findings = $(findingsSelector);
    if (findings && window.htmx) window.htmx.trigger(findings, "compliance:check");
  }

  /* ---- Attachments: names, sizes and types for the check (never the files) ---- */
  function describeFiles(input) {
    const meta = $("#attachment-meta");
    if (!meta) return;
    const files = Array.from(input.files || []).slice(0, 6);
    meta.value = JSON.stringify(files.map((f) => ({ name: f.name, size: f.size, type: f.type })));
    check("#compliance-findings");
  }

  /* ---- Proactive messages: the chosen type's length limit ---- */
  function chosenLimit(form) {
    const chosen = $("input[name=message_type]:checked", form);
    return chosen ? Number(chosen.dataset.limit || 0) : 0;
  }

  function updateCount() {
    const form = $("#proactive-form");
    if (!form) return;
    const text = $("#proactive-text", form), count = $("#proactive-count");
    const limit = chosenLimit(form);
    if (!text || !count) return;
    if (limit) text.maxLength = limit;
    count.textContent = (count.dataset.format || "%(used)s / %(limit)s")
      .replace("%(used)s", text.value.length).replace("%(limit)s", limit || "—");
    count.classList.toggle("over", Boolean(limit) && text.value.length > limit);
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("#reply-files")) describeFiles(target);
    if (target.matches("input[name=message_type]")) { updateCount(); check("#proactive-findings"); }
    updateSend();
  });

  document.addEventListener("input", (event) => {
    if (event.target.matches("#proactive-text")) { updateCount(); updateSend(); }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("[data-send-once]")) return;
    if (form.dataset.sent === "true") { event.preventDefault(); return; }
    form.dataset.sent = "true";
    // After the browser has taken the form's values: a second click sends nothing.
    setTimeout(() => { Array.from(form.querySelectorAll("button[type=submit]")).forEach((b) => { b.disabled = true; }); }, 0);
  });

  // Back to a page from the browser's cache: its forms work again (the server still sends
  // nothing twice: the form keeps its idempotency key).
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    Array.from(document.querySelectorAll("form[data-send-once]")).forEach((form) => {
      delete form.dataset.sent;
      Array.from(form.querySelectorAll("button[type=submit]")).forEach((b) => { b.disabled = false; });
    });
    updateSend();
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "composer-body") check("#compliance-findings");
    updateSend();
  });

  function start() {
    updateCount();
    updateSend();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
