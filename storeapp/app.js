// Store staff app: the store's open click & collect orders, its ship-from-store and transfer work,
// and its customers, live, with one tap per step.
// Opened as .../index.html?location=<store>&token=<staff token>; config.json says where the API
// and the live feed are (the local system serves it; on AWS the deployment writes it).
"use strict";

const params = new URLSearchParams(window.location.search);
const token = params.get("token") || "";
const store = params.get("location") || "";
let lang = params.get("lang") || "nl";
let config = { api: "", feed: "" };
let view = "orders";

const TEXT = {
  nl: { title: "Click & collect", empty: "Geen open bestellingen.", accept: "Accepteren", picking: "Start verzamelen",
        ready: "Klaar voor afhalen", collect: "Afgeven", code: "Ophaalcode", short: "Niet gevonden",
        suggest: "Tip bij afhalen:", live: "live", offline: "offline", other: "EN", failed: "Mislukt",
        newcode: "Nieuwe code sturen", orders: "Bestellingen", customers: "Klanten", until: "Ophalen vóór",
        find: "Zoek op klantenkaart of e-mail", search: "Zoeken", none: "Geen klant gevonden.", enrol: "Nieuwe klant",
        name: "Naam", email: "E-mail", marketing: "Wil aanbiedingen per e-mail", create: "Klantenkaart aanmaken",
        card: "Klantenkaart", points: "punten", tier: "Niveau", shipping: "Verzenden",
        noWork: "Niets te verzenden of te ontvangen.", ship: "Verpakt en verzonden", receive: "Ontvangen",
        toCustomer: "Naar klant", toStore: "Naar winkel", from: "Van", by: "Uiterlijk", tracking: "Track & trace",
        waiting: "Wacht op betaling" },
  en: { title: "Click & collect", empty: "No open orders.", accept: "Accept", picking: "Start picking",
        ready: "Ready for pickup", collect: "Hand over", code: "Pickup code", short: "Not found",
        suggest: "Suggest at pickup:", live: "live", offline: "offline", other: "NL", failed: "Failed",
        newcode: "Send a new code", orders: "Orders", customers: "Customers", until: "Collect before",
        find: "Find by loyalty card or e-mail", search: "Search", none: "No customer found.", enrol: "New customer",
        name: "Name", email: "E-mail", marketing: "Wants offers by e-mail", create: "Create loyalty card",
        card: "Loyalty card", points: "points", tier: "Tier", shipping: "Shipping",
        noWork: "Nothing to ship or receive.", ship: "Packed and shipped", receive: "Received",
        toCustomer: "To customer", toStore: "To store", from: "From", by: "By", tracking: "Tracking",
        waiting: "Waiting for payment" },
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

const money = (cents) => new Intl.NumberFormat(lang === "en" ? "en-IE" : "nl-NL",
  { style: "currency", currency: "EUR" }).format(cents / 100);
// a name from the catalog: {nl, en} or already a string
const named = (name, fallback) => (name && typeof name === "object" ? name[lang] || name.nl : name) || fallback;
const variant = (line) => (line.attributes || []).map((pair) => pair[1]).join(" / ");

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
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
  if (!order.lines.some((l) => !l.short)) return;
  // what goes with this order's products (the catalog's accessories, then what is bought together), in stock here
  const found = await api(`/locations/${store}/suggestions?order_id=${encodeURIComponent(order.order_id)}`);
  if (!found.suggestions.length) return;
  const p = document.createElement("p");
  p.className = "suggest";
  p.dataset.testid = "suggestions";
  p.textContent = t("suggest") + " " + found.suggestions.map((s) => {
    const price = s.price_cents !== undefined ? " " + money(s.price_cents) : "";
    return `${named(s.name, s.sku)}${price} (${s.available})`;
  }).join(", ");
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
  const who = [order.customer_name, order.pickup_deadline
    ? `${t("until")} ${new Date(order.pickup_deadline).toLocaleString(lang === "en" ? "en-GB" : "nl-NL")}` : null];
  card.appendChild(el("p", who.filter(Boolean).join(" · "), { class: "who", "data-testid": "who" }));
  const list = document.createElement("ul");
  for (const line of order.lines) {
    const item = document.createElement("li");
    const size = variant(line);
    item.textContent = `${line.quantity} x ${named(line.name, line.sku)}${size ? " (" + size + ")" : ""} `
      + `${money(line.quantity * line.unit_price_cents)} `;
    item.dataset.sku = line.sku;
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
  if (view === "customers") return;
  if (view === "shipping") return loadShipping();
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

// -- shipping: parcels to pick, pack and ship from here, transfers to receive here -------------

function renderTask(task) {
  const { order, fulfilment } = task;
  const card = el("article", null, { class: "order", "data-order": order.order_id,
    "data-fulfilment": fulfilment.fulfilment_id, "data-step": task.step, "data-testid": "task" });
  const head = el("h2", order.order_id.slice(0, 8).toUpperCase() + " ");
  head.appendChild(el("span", fulfilment.status, { class: "status" }));  // a transfer to receive is not received yet
  card.appendChild(head);
  const to = order.destination.type === "delivery"
    ? `${t("toCustomer")}: ${order.destination.address.name}, ${order.destination.address.postal_code} `
      + order.destination.address.city
    : `${t("toStore")}: ${fulfilment.destination_location_id}`;
  const from = task.step === "receive" ? `${t("from")}: ${fulfilment.source_id}` : null;
  card.appendChild(el("p", [to, from, `${t("by")} ${fulfilment.earliest_date}`].filter(Boolean).join(" · "),
    { class: "who", "data-testid": "destination" }));
  const list = document.createElement("ul");
  for (const line of fulfilment.lines) {
    const ordered = order.lines.find((l) => l.sku === line.sku) || {};
    const size = variant(ordered);
    const item = el("li", `${line.quantity} x ${named(ordered.name, line.sku)}${size ? " (" + size + ")" : ""} `,
      { "data-sku": line.sku });
    if (task.step === "ship") {
      item.appendChild(button(t("short"), "reject", () => api(`/orders/${order.order_id}/fulfilments/`
        + `${fulfilment.fulfilment_id}/lines/${encodeURIComponent(line.sku)}/reject`,
      { method: "POST", body: JSON.stringify({ reason: "not_found" }) }), true));
    }
    list.appendChild(item);
  }
  card.appendChild(list);
  const actions = el("div", null, { class: "actions" });
  const path = `/orders/${order.order_id}/fulfilments/${fulfilment.fulfilment_id}/`;
  if (task.step === "ship" && fulfilment.status === "WAITING") actions.appendChild(el("span", t("waiting")));
  else if (task.step === "ship") actions.appendChild(button(t("ship"), "ship", () => api(path + "ship", { method: "POST" })));
  else actions.appendChild(button(t("receive"), "receive", () => api(path + "receive", { method: "POST" })));
  if (fulfilment.tracking_number) actions.appendChild(el("span", `${t("tracking")}: ${fulfilment.tracking_number}`));
  card.appendChild(actions);
  return card;
}

async function loadShipping() {
  const tasks = [];
  let cursor = null;
  do {
    const page = await api(`/locations/${store}/fulfilments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    tasks.push(...page.tasks);
    cursor = page.next_cursor;
  } while (cursor);
  document.getElementById("shipping").replaceChildren(...tasks.map(renderTask));
  const empty = document.getElementById("empty");
  empty.textContent = t("noWork");
  empty.hidden = tasks.length > 0;
}

// -- customers: find one by card or e-mail, enrol a new one with a digital loyalty card ----------

function customerCard(customer, points) {
  const card = el("article", null, { class: "customer", "data-testid": "customer", "data-customer": customer.customer_id });
  card.appendChild(el("h2", customer.name || customer.customer_id));
  card.appendChild(el("p", customer.email || ""));
  card.appendChild(el("p", `${t("card")}: ${customer.card_number || "-"}`, { "data-testid": "card-number" }));
  if (points) card.appendChild(el("p", `${points.balance} ${t("points")} · ${t("tier")}: ${points.tier}`));
  if (customer.qr_svg) {
    const img = el("img", null, { alt: t("card"), class: "qr", "data-testid": "qr" });
    img.src = customer.qr_svg;
    card.appendChild(img);
  }
  return card;
}

async function showCustomer(customer) {
  const points = await api(`/customers/${encodeURIComponent(customer.customer_id)}/points`).catch(() => null);
  document.getElementById("found").replaceChildren(customerCard(customer, points));
}

async function findCustomer(query) {
  const way = query.includes("@") ? "email" : "card";
  try {
    const found = await api(`/customers?${way}=${encodeURIComponent(query)}`);
    const customer = found.customers ? found.customers[0] : found;
    if (customer) return showCustomer(customer);
  } catch (error) { /* not found: said below */ }
  document.getElementById("found").replaceChildren(el("p", t("none")));
}

async function enrol(form) {
  const data = new FormData(form);
  const customer = await api("/customers", {
    method: "POST",
    headers: { "idempotency-key": form.dataset.key },
    body: JSON.stringify({ location_id: store, name: data.get("name"), email: data.get("email"), language: lang,
                           consents: { marketing_email: data.get("marketing") === "on" } }),
  });
  form.reset();
  form.dataset.key = crypto.randomUUID();  // the next enrolment is a new request; a retry of this one is not
  await showCustomer(customer);
}

function renderCustomers() {
  const section = document.getElementById("customers");
  const search = el("form", null, { "data-testid": "find" });
  const query = el("input", null, { name: "query", placeholder: t("find"), required: "", "data-testid": "query" });
  search.append(query, el("button", t("search"), { type: "submit" }));
  search.addEventListener("submit", (event) => { event.preventDefault(); findCustomer(query.value.trim()); });
  const form = el("form", null, { "data-testid": "enrol" });
  form.dataset.key = crypto.randomUUID();
  form.append(el("h2", t("enrol")),
    el("input", null, { name: "name", placeholder: t("name"), required: "", "data-testid": "name" }),
    el("input", null, { name: "email", type: "email", placeholder: t("email"), required: "", "data-testid": "email" }));
  const consent = el("label", " " + t("marketing"));
  consent.prepend(el("input", null, { name: "marketing", type: "checkbox" }));
  form.append(consent, el("button", t("create"), { type: "submit", "data-action": "enrol" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    enrol(form).catch((error) => toast(t("failed") + ": " + error.message));
  });
  section.replaceChildren(search, form, el("div", null, { id: "found" }));
}

function showView(next) {
  view = next;
  document.getElementById("orders").hidden = view !== "orders";
  document.getElementById("customers").hidden = view !== "customers";
  document.getElementById("shipping").hidden = view !== "shipping";
  document.getElementById("empty").hidden = true;
  for (const tab of document.querySelectorAll("nav button")) tab.classList.toggle("current", tab.dataset.view === view);
  if (view === "customers") renderCustomers(); else load();
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
  for (const tab of document.querySelectorAll("nav button")) tab.textContent = t(tab.dataset.view);
}

async function start() {
  config = await (await fetch("config.json")).json();
  document.getElementById("store").textContent = store;
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "nl" ? "en" : "nl";
    applyLanguage();
    showView(view);
  });
  for (const tab of document.querySelectorAll("nav button")) {
    tab.addEventListener("click", () => showView(tab.dataset.view));
  }
  applyLanguage();
  await load();
  connect();
}

start().catch((error) => toast(error.message));
