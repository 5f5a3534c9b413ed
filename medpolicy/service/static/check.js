// Check findings of the table in the editor, each witness loadable into the form.

import { api, errorMessage } from "./api.js";
import { decideNow } from "./determination.js";
import { $, debounce, el } from "./dom.js";
import { loadFacts } from "./form.js";
import { state } from "./state.js";

export async function runCheck() {
  const seq = ++state.seq.check;
  $("check-status").textContent = "Checking…";
  const checked = await api("POST", "/v1/check", $("table-text").value, true);
  if (seq !== state.seq.check) return;
  const list = $("findings");
  list.replaceChildren();
  if (!checked.ok) {
    $("check-status").textContent = errorMessage(checked);
    return;
  }
  const { findings, summary } = checked.data;
  $("check-status").textContent = findings.length
    ? `${summary.errors} errors, ${summary.warnings} warnings, ${summary.info} info`
    : "No findings: no conflicts, gaps, dead, shadowed or redundant rows.";
  for (const finding of findings) {
    const item = el("li", { class: `finding ${finding.severity}` },
      el("span", { class: "kind", text: finding.kind }), ` (${finding.severity}): ${finding.message}`);
    if (finding.witnesses.length) {
      const buttons = el("div", { class: "witnesses" });
      finding.witnesses.forEach((witness, i) => {
        const button = el("button", { type: "button", text: `Load witness ${i + 1}`,
          "aria-label": `Load witness ${i + 1} of ${finding.kind} into the form` });
        button.addEventListener("click", () => {
          loadFacts(witness.facts || {});
          decideNow();
          $("consultant").querySelector("[data-fact]")?.focus();
        });
        buttons.append(button);
      });
      item.append(buttons);
    }
    list.append(item);
  }
}

export const scheduleCheck = debounce(runCheck, 700);
