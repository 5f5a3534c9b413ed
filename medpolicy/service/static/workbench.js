// medpolicy workbench: a consultant form, the determination and the table editor, on the REST API.
// Plain JavaScript, no build step, nothing fetched from anywhere but this service.
// Everything shown is set with textContent (or parsed as SVG from our own renderer): no HTML
// from data is ever written with innerHTML.
// Modules: dom, api, state, form, determination, editor, check, downloads; this one starts it.

import { api, errorMessage } from "./api.js";
import { runCheck } from "./check.js";
import { decideNow, scheduleDecide } from "./determination.js";
import { $, el } from "./dom.js";
import { caseYaml, download } from "./downloads.js";
import { renderGutter, scheduleValidate, setTableStatus, showTableProblems, validateNow } from "./editor.js";
import { buildForm, loadFacts, markAnswered } from "./form.js";
import { state } from "./state.js";

async function loadPolicy(id) {
  state.policyId = id;
  state.seq.table++;  // an edit still being validated belongs to the table being left
  const [source, table] = await Promise.all([
    api("GET", `/v1/policies/${encodeURIComponent(id)}/source`),
    api("GET", `/v1/policies/${encodeURIComponent(id)}`),
  ]);
  if (!source.ok || !table.ok) {
    setTableStatus(errorMessage(source.ok ? table : source), false);
    return;
  }
  state.source = source.data;
  state.text = source.data;
  state.table = table.data;
  $("table-text").value = source.data;
  showTableProblems([]);
  setTableStatus("The table is valid.", true);
  buildForm(state.table, {});
  await decideNow();
  runCheck();
}

async function start() {
  const listed = await api("GET", "/v1/policies");
  const select = $("policy");
  for (const policy of listed.ok ? listed.data : []) {
    select.append(el("option", { value: policy.id, text: `${policy.title} (${policy.id} ${policy.version})` }));
  }
  const wanted = new URLSearchParams(location.search).get("policy");
  if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  select.addEventListener("change", () => loadPolicy(select.value));
  const form = $("consultant");
  form.addEventListener("change", () => { markAnswered(); decideNow(); });
  form.addEventListener("input", () => { markAnswered(); scheduleDecide(); });
  form.addEventListener("submit", (event) => event.preventDefault());
  const area = $("table-text");
  area.addEventListener("input", () => { renderGutter([]); scheduleValidate(); });
  area.addEventListener("scroll", () => { $("gutter").scrollTop = area.scrollTop; });
  $("reset-table").addEventListener("click", () => { area.value = state.source; validateNow(); });
  $("run-check").addEventListener("click", runCheck);
  $("clear-case").addEventListener("click", () => { loadFacts({}); decideNow(); });
  $("download-case").addEventListener("click", () => download("case.yaml", caseYaml(), "application/yaml"));
  $("download-result").addEventListener("click", () => {
    if (state.result) download("result.json", JSON.stringify(state.result, null, 2) + "\n", "application/json");
  });
  if (select.value) await loadPolicy(select.value);
  document.body.dataset.ready = "true";
}

start();
