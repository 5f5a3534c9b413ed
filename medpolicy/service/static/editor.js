// The table editor: live validation with located errors marked on their line.

import { api, errorMessage } from "./api.js";
import { scheduleCheck } from "./check.js";
import { decideNow } from "./determination.js";
import { $, debounce, el } from "./dom.js";
import { buildForm, currentFacts } from "./form.js";
import { edited, state } from "./state.js";

export function renderGutter(errors) {
  const lines = $("table-text").value.split("\n").length;
  const byLine = new Map();
  for (const problem of errors) {
    if (problem.line) byLine.set(problem.line, [...(byLine.get(problem.line) || []), problem.message]);
  }
  const gutter = $("gutter");
  gutter.replaceChildren();
  for (let n = 1; n <= lines; n++) {
    const span = el("span", { text: String(n) });
    if (byLine.has(n)) {
      span.className = "error";
      span.title = byLine.get(n).join("\n");
      span.dataset.line = String(n);
    }
    gutter.append(span);
  }
  gutter.scrollTop = $("table-text").scrollTop;
}

function goToLine(line, column) {
  const area = $("table-text");
  const lines = area.value.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  const start = offset + Math.max(0, (column || 1) - 1);
  area.focus();
  area.setSelectionRange(start, offset + (lines[line - 1] || "").length);
  area.scrollTop = Math.max(0, (line - 5) * 18);
}

export function showTableProblems(problems) {
  const list = $("table-errors");
  list.replaceChildren();
  for (const problem of problems) {
    const where = problem.line ? `line ${problem.line}${problem.column ? `, column ${problem.column}` : ""}` : "table";
    const button = el("button", { type: "button", text: `${where}: ${problem.message}` });
    if (problem.line) button.addEventListener("click", () => goToLine(problem.line, problem.column));
    list.append(el("li", {}, button));
  }
  renderGutter(problems);
}

export function setTableStatus(text, ok) {
  const status = $("table-status");
  status.textContent = text;
  status.className = `table-status ${ok ? "ok" : "bad"}`;
  $("table-text").setAttribute("aria-invalid", ok ? "false" : "true");
  $("table-state").textContent = edited() ? "table edited" : "table as loaded";
}

export async function validateNow() {
  const seq = ++state.seq.table;
  const text = $("table-text").value;
  const checked = await api("POST", "/v1/validate", text, true);
  if (seq !== state.seq.table) return;
  if (!checked.ok) {
    const error = checked.data && checked.data.error;
    const problems = (error && error.problems) || [{ message: errorMessage(checked), line: error && error.line }];
    showTableProblems(problems);
    setTableStatus(`${problems.length} problem${problems.length === 1 ? "" : "s"}: the form keeps the last valid table`, false);
    scheduleCheck();
    return;
  }
  const resolved = await api("POST", "/v1/tables/resolve", text, true);
  if (seq !== state.seq.table || !resolved.ok) return;
  const values = currentFacts();
  state.table = resolved.data;
  state.text = text;
  showTableProblems([]);
  setTableStatus("The table is valid.", true);
  buildForm(state.table, values);
  decideNow();
  scheduleCheck();
}

export const scheduleValidate = debounce(validateNow, 300);
