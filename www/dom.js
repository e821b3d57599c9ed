// Small DOM helpers. Text that comes from Graph only ever goes through textContent; dates
// are re-formatted by the page before they reach an attribute.

/** The element with this id (the page's ids are fixed, so a missing one is a bug). */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing element #${id}`);
  return el;
}

export function show(el, visible) {
  el.hidden = !visible;
}

/** Sets plain text; null/undefined/"" read as an em dash. */
export function setText(el, value) {
  el.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
}

/**
 * Parses a date as Graph and HTTP send them: ISO 8601 (a missing zone means UTC, as in
 * Graph's `innerError.date`) or an HTTP-date. Returns milliseconds, or null.
 */
export function parseDate(value) {
  if (typeof value !== "string" || value === "") return null;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** A <time> element: local date and time as text, ISO 8601 (UTC) as datetime and title. */
export function timeElement(ms, { timeOnly = false } = {}) {
  const t = document.createElement("time");
  const iso = new Date(ms).toISOString();
  t.dateTime = iso;
  t.title = iso;
  t.textContent = timeOnly ? new Date(ms).toLocaleTimeString() : new Date(ms).toLocaleString();
  return t;
}

/** Fills `el` with a <time> for an ISO string from Graph, or with `empty` when there is none. */
export function setTime(el, value, empty = "never") {
  const ms = parseDate(value);
  if (ms === null) {
    el.textContent = value ? String(value) : empty;
  } else {
    el.replaceChildren(timeElement(ms));
  }
}

/** Reads localStorage without failing when storage is blocked. */
export function remembered(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function remember(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // storage blocked: the page still works, it just forgets
  }
}
