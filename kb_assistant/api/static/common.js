// Helpers every page uses: safe element building, dates as Chinese calendar dates, error text.
"use strict";

window.kb = Object.freeze({
  // An element with optional class and text; text goes in as textContent, never as HTML.
  el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  },

  // "2025-06-01" → "2025年6月1日", read as a calendar date (no time zone shift).
  cnDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : "";
  },

  // The API's error body is {"detail": "..."} for every 4xx and 5xx.
  detailText(body) {
    const detail = body && body.detail;
    return detail ? String(detail) : "";
  },
});
