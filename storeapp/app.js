// Store staff app: the store's open click & collect orders, live, with one tap per step.
// Opened as .../index.html?location=<store>&token=<staff token>; config.json says where the API
// and the live feed are (the local system serves it; on AWS the deployment writes it).
"use strict";

const params = new URLSearchParams(window.location.search);
const token = params.get("token") || "";
const store = params.get("location") || "";
let lang = params.get("lang") || "nl";
let config = { api: "", feed: "" };

const TEXT = {
  nl: { title: "Click & collect", empty: "Geen open bestellingen.", accept: "Accepteren", picking: "Start verzamelen",
        ready: "Klaar voor afhalen", collect: "Afgeven", code: "Ophaalcode", short: "Niet gevonden",
        suggest: "Tip bij afhalen:", live: "live", offline: "offline", other: "EN", failed: "Mislukt",
        newcode: "Nieuwe code sturen" },
  en: { title: "Click & collect", empty: "No open orders.", accept: "Accept", picking: "Start picking",
        ready: "Ready for pickup", collect: "Hand over", code: "Pickup code", short: "Not found",
        suggest: "Suggest at pickup:", live: "live", offline: "offline", other: "NL", failed: "Failed",
        newcode: "Send a new code" },
};
const t = (key) => TEXT[lang][key];

async function api(path, options = {}) {
  const response = await fetch(config.api + path, {
    ...options,
    headers: { "content-type": "application/json", authorization: "Bearer " + token, ...(options.headers || {}) },
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error((body && body.detail) || response.statusText);
  return body;
}

function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("shown");
  setTimeout(() => box.classList.remove("shown"), 4000);
}

function button(label, action, onClick, secondary = false) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.dataset.action = action;
  if (secondary) b.className = "secondary";
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await onClick(); await load(); } catch (error) { toast(t("failed") + ": " + error.message); }
    b.disabled = false;
  });
  return b;
}

async function suggestions(order, card) {
  const skus = order.lines.filter((l) => !l.short).map((l) => l.sku).join(",");
  if (!skus) return;
  const found = await api(`/locations/${store}/suggestions?skus=${encodeURIComponent(skus)}`);
  if (!found.suggestions.length) return;
  const p = document.createElement("p");
  p.className = "suggest";
  p.dataset.testid = "suggestions";
  p.textContent = t("suggest") + " " + found.suggestions.map((s) => `${s.sku} (${s.available})`).join(", ");
  card.appendChild(p);
}

function render(order) {
  const card = document.createElement("article");
  card.className = "order";
  card.dataset.order = order.order_id;
  card.dataset.status = order.status;
  const head = document.createElement("h2");
  head.textContent = order.order_id.slice(0, 8).toUpperCase() + " ";
  const status = document.createElement("span");
  status.className = "status";
  status.textContent = order.status;
  head.appendChild(status);
  card.appendChild(head);
  const list = document.createElement("ul");
  for (const line of order.lines) {
    const item = document.createElement("li");
    item.textContent = `${line.quantity} x ${line.sku} `;
    if (line.short) item.className = "short";
    if (!line.short && ["ACCEPTED", "PICKING"].includes(order.status)) {
      item.appendChild(button(t("short"), "short",
        () => api(`/orders/${order.order_id}/lines/${encodeURIComponent(line.sku)}/short`, { method: "POST" }), true));
    }
    list.appendChild(item);
  }
  card.appendChild(list);
  const actions = document.createElement("div");
  actions.className = "actions";
  const step = (path) => () => api(`/orders/${order.order_id}/${path}`, { method: "POST" });
  if (order.status === "PLACED") actions.appendChild(button(t("accept"), "accept", step("accept")));
  if (order.status === "ACCEPTED") actions.appendChild(button(t("picking"), "picking", step("picking")));
  if (order.status === "PICKING") actions.appendChild(button(t("ready"), "ready", step("ready")));
  if (order.status === "READY_FOR_PICKUP") {
    const code = document.createElement("input");
    code.placeholder = t("code");
    code.inputMode = "numeric";
    code.dataset.testid = "code";
    actions.appendChild(code);
    actions.appendChild(button(t("collect"), "collect", () => api(`/orders/${order.order_id}/collect`, {
      method: "POST", body: JSON.stringify({ pickup_code: code.value.trim() }) })));
    // after too many wrong codes the code is void: a new one goes to the customer
    actions.appendChild(button(t("newcode"), "pickup-code", step("pickup-code"), true));
  }
  card.appendChild(actions);
  if (["PICKING", "READY_FOR_PICKUP"].includes(order.status)) suggestions(order, card).catch(() => {});
  return card;
}

async function load() {
  const orders = [];
  let cursor = null;
  do {  // every open order, page by page (the API never cuts a list short, it pages it)
    const page = await api(`/locations/${store}/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    orders.push(...page.orders);
    cursor = page.next_cursor;
  } while (cursor);
  const main = document.getElementById("orders");
  main.replaceChildren(...orders.map(render));
  const empty = document.getElementById("empty");
  empty.textContent = t("empty");
  empty.hidden = orders.length > 0;
}

function connect() {
  if (!config.feed) return;
  const live = document.getElementById("live");
  const socket = new WebSocket(`${config.feed}?location=${encodeURIComponent(store)}&token=${encodeURIComponent(token)}`);
  socket.onopen = () => { live.textContent = t("live"); live.className = "online"; load(); };
  socket.onmessage = (message) => {
    const note = JSON.parse(message.data);
    toast(`${note.title}: ${note.body}`);
    load();
  };
  socket.onclose = () => { live.textContent = t("offline"); live.className = "offline"; setTimeout(connect, 2000); };
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.getElementById("title").textContent = t("title");
  document.getElementById("lang").textContent = t("other");
}

async function start() {
  config = await (await fetch("config.json")).json();
  document.getElementById("store").textContent = store;
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "nl" ? "en" : "nl";
    applyLanguage();
    load();
  });
  applyLanguage();
  await load();
  connect();
}

start().catch((error) => toast(error.message));
