// medpolicy workbench: a consultant form, the determination and the table editor, on the REST API.
// Plain JavaScript, no build step, nothing fetched from anywhere but this service.
// Everything shown is set with textContent (or parsed as SVG from our own renderer): no HTML
// from data is ever written with innerHTML.

const $ = (id) => document.getElementById(id);

const state = {
  policyId: null,   // the loaded table chosen in the policy list
  source: "",       // its YAML text as loaded
  table: null,      // the last valid table, as JSON (GET /v1/policies/{id} shape)
  text: "",         // the YAML text of that last valid table
  result: null,     // the last decide answer
  seq: { decide: 0, table: 0, check: 0 },
};

const VERDICT_TEXT = {
  approve: "Every completion of what is still unknown approves.",
  deny: "Denied, whatever is still unknown.",
  refer: "Referred to clinical review.",
  pend: "The documentation so far allows more than one outcome.",
};

// ---------------------------------------------------------------------------------------------
// the API

async function api(method, path, body, yaml = false) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.body = yaml ? body : JSON.stringify(body);
    options.headers["content-type"] = yaml ? "application/yaml" : "application/json";
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    return { ok: false, status: 0, data: { error: { code: "network", message: String(error) } } };
  }
  const type = response.headers.get("content-type") || "";
  const data = type.startsWith("application/json") ? await response.json() : await response.text();
  return { ok: response.ok, status: response.status, data };
}

function edited() {
  return state.text !== state.source;
}

function decideCall(kase) {
  return edited()
    ? api("POST", "/v1/tables/decide", { table: state.text, case: kase })
    : api("POST", `/v1/policies/${encodeURIComponent(state.policyId)}/decide`, kase);
}

function explainCall(kase) {
  return edited()
    ? api("POST", "/v1/tables/explain?format=svg", { table: state.text, case: kase })
    : api("POST", `/v1/policies/${encodeURIComponent(state.policyId)}/explain?format=svg`, kase);
}

function errorMessage(answer) {
  const error = answer.data && answer.data.error;
  return error ? error.message : `HTTP ${answer.status}`;
}

// ---------------------------------------------------------------------------------------------
// small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// ---------------------------------------------------------------------------------------------
// the consultant form

function factInputs() {
  return [...$("consultant").querySelectorAll("[data-fact]")];
}

function defaultWord(fact) {
  if (fact.default === undefined) return null;
  if (fact.type === "bool") return fact.default ? "yes" : "no";
  return Array.isArray(fact.default) ? fact.default.join(", ") || "none" : String(fact.default);
}

function selectFor(fact, name, choices) {
  const select = el("select");
  const word = defaultWord(fact);
  select.append(el("option", { value: "", text: word === null ? "unknown" : `default (${word})` }));
  for (const [value, label] of choices) select.append(el("option", { value, text: label }));
  return select;
}

function inputFor(fact, name) {
  switch (fact.type) {
    case "bool":
      return selectFor(fact, name, [["true", "yes"], ["false", "no"]]);
    case "enum":
      return selectFor(fact, name, (fact.values || []).map((v) => [String(v), String(v)]));
    case "int":
    case "decimal": {
      const input = el("input", { type: "number", inputmode: "decimal" });
      const places = fact.type === "decimal" ? fact.places || 0 : 0;
      input.step = places ? String(10 ** -places) : "1";
      if (fact.min !== undefined) input.min = String(fact.min);
      if (fact.max !== undefined) input.max = String(fact.max);
      return input;
    }
    case "date":
      return el("input", { type: "date" });
    case "codes":
      return el("input", { type: "text", placeholder: "codes, comma-separated" });
    default:
      return el("input", { type: "text" });
  }
}

function buildForm(table, values) {
  const form = $("consultant");
  form.replaceChildren();
  Object.entries(table.facts).forEach(([name, fact], index) => {
    const id = `fact-${index}`;
    const input = inputFor(fact, name);
    input.id = id;
    input.name = name;
    input.dataset.fact = name;
    input.dataset.type = fact.type;
    const label = el("label", { for: id }, fact.question || name, el("code", { text: name }));
    const control = el("div", { class: "control" }, input);
    if (fact.unit) control.append(el("span", { class: "unit", text: fact.unit }));
    const row = el("div", { class: "question", "data-question": name }, label, control);
    form.append(row);
    if (values[name] !== undefined) setInput(input, values[name]);
  });
  markAnswered();
}

function setInput(input, value) {
  if (value === undefined || value === null) input.value = "";
  else if (Array.isArray(value)) input.value = value.join(", ");
  else input.value = String(value);
  if (input.tagName === "SELECT" && input.value !== String(value ?? "")) input.value = "";
}

function readValue(input) {
  const raw = input.value.trim();
  if (raw === "") return undefined;
  switch (input.dataset.type) {
    case "bool":
      return raw === "true";
    case "int":
    case "decimal": {
      const number = Number(raw);
      return Number.isFinite(number) ? number : raw;
    }
    case "codes":
      return raw.split(/[\s,]+/).filter(Boolean);
    default:
      return raw;
  }
}

function currentFacts() {
  const facts = {};
  for (const input of factInputs()) {
    const value = readValue(input);
    if (value !== undefined) facts[input.dataset.fact] = value;
  }
  return facts;
}

function currentCase() {
  return { id: "workbench", policy: state.table ? state.table.id : undefined, facts: currentFacts() };
}

function markAnswered() {
  for (const input of factInputs()) {
    input.closest(".question").classList.toggle("answered", input.value.trim() !== "");
  }
}

function loadFacts(facts) {
  for (const input of factInputs()) setInput(input, facts[input.dataset.fact]);
  markAnswered();
  decideNow();
}

// ---------------------------------------------------------------------------------------------
// deciding and showing the determination

async function decideNow() {
  if (!state.table) return;
  const seq = ++state.seq.decide;
  const kase = currentCase();
  const [decided, graph] = await Promise.all([decideCall(kase), explainCall(kase)]);
  if (seq !== state.seq.decide) return;
  for (const input of factInputs()) input.removeAttribute("aria-invalid");
  if (!decided.ok) {
    showCaseError(decided);
    return;
  }
  $("case-error").hidden = true;
  state.result = decided.data;
  renderResult(decided.data);
  renderGraph(graph);
}

const scheduleDecide = debounce(decideNow, 150);

function showCaseError(answer) {
  const box = $("case-error");
  box.textContent = errorMessage(answer);
  box.hidden = false;
  const field = (answer.data && answer.data.error && answer.data.error.field) || "";
  const match = field.match(/facts\.(.+)$/);
  if (match) {
    const input = factInputs().find((i) => i.dataset.fact === match[1]);
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

function itemLine(item) {
  const line = el("li");
  line.append(el("code", { text: item.fact }), " ", el("span", { class: "needs", text: item.needs }));
  if (item.question) line.append(` — ${item.question}`);
  return line;
}

function renderRequest(result) {
  const box = $("request");
  box.replaceChildren();
  const request = result.request;
  if (request && ((request.all && request.all.length) || (request.any && request.any.length))) {
    if (request.all && request.all.length) {
      box.append(el("p", { text: "Document all of these:" }), el("ul", {}, ...request.all.map(itemLine)));
    }
    if (request.any && request.any.length) {
      box.append(el("p", { text: "and one of these groups:" }));
      const groups = el("div", { class: "alternatives" });
      request.any.forEach((group, i) => groups.append(
        el("div", { class: "alternative" }, el("strong", { text: `Group ${i + 1}` }),
           el("ul", {}, ...group.map(itemLine)))));
      box.append(groups);
    }
    return true;
  }
  const missing = result.missing || [];
  if (!missing.length) return false;
  box.append(el("p", { text: "Any one of these alternatives would approve the request (cheapest first):" }));
  const list = el("div", { class: "alternatives" });
  missing.forEach((alternative, i) => list.append(
    el("div", { class: "alternative" }, el("strong", { text: `Alternative ${i + 1}` }),
       el("ul", {}, ...alternative.map(itemLine)))));
  box.append(list);
  return true;
}

function renderPathways(result) {
  const list = $("pathways");
  list.replaceChildren();
  const pathways = Array.isArray(result.pathways) ? result.pathways : [];
  for (const pathway of pathways) {
    list.append(el("li", {}, `cost ${pathway.cost}`, el("ul", {}, ...pathway.facts.map(itemLine))));
  }
  return pathways.length > 0;
}

function renderReasons(result) {
  const list = $("reasons");
  list.replaceChildren();
  const sources = (state.table && state.table.sources) || {};
  const cited = [];
  for (const reason of result.reasons) {
    const cites = el("span", { class: "citations" }, " [");
    reason.sources.forEach((key, i) => {
      if (i) cites.append(", ");
      cites.append(el("abbr", { title: sources[key] || key, text: key }));
      if (!cited.includes(key)) cited.push(key);
    });
    cites.append("]");
    list.append(el("li", { "data-row": reason.row },
      el("span", { class: `outcome outcome-${reason.outcome}`, text: reason.outcome }), " ",
      el("code", { text: reason.row }), ` — ${reason.text}`, cites));
  }
  $("references").replaceChildren(...cited.map((key) =>
    el("li", {}, el("strong", { text: key }), sources[key] ? `: ${sources[key]}` : "")));
  $("references-block").hidden = cited.length === 0;
}

function renderHighlights(result) {
  const relevant = Array.isArray(result.relevant) ? new Set(result.relevant) : null;
  const next = result.next_question && result.next_question.fact ? result.next_question : null;
  for (const input of factInputs()) {
    const row = input.closest(".question");
    const unknown = input.value.trim() === "";
    row.classList.toggle("irrelevant", Boolean(relevant && unknown && !relevant.has(input.dataset.fact)));
    row.classList.toggle("next", Boolean(next && next.fact === input.dataset.fact));
  }
  $("next-question").hidden = !next;
  if (next) {
    const text = $("next-question-text");
    text.replaceChildren(`${next.question || next.fact} `, el("code", { text: next.fact }));
  }
}

function renderResult(result) {
  const verdict = $("verdict");
  verdict.textContent = result.verdict.toUpperCase();
  verdict.dataset.verdict = result.verdict;
  $("verdict-text").textContent = VERDICT_TEXT[result.verdict] || "";
  renderReasons(result);
  $("request-block").hidden = !renderRequest(result);
  $("pathways-block").hidden = !renderPathways(result);
  renderHighlights(result);
}

function renderGraph(answer) {
  const box = $("graph");
  if (!answer.ok) {
    box.replaceChildren(el("p", { class: "problem", text: errorMessage(answer) }));
    return;
  }
  const doc = new DOMParser().parseFromString(answer.data, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.nodeName !== "svg") {
    box.replaceChildren(el("p", { class: "problem", text: "the explanation could not be drawn" }));
    return;
  }
  for (const script of svg.querySelectorAll("script, foreignObject")) script.remove();
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  box.replaceChildren(document.importNode(svg, true));
}

// ---------------------------------------------------------------------------------------------
// the table editor: live validation with located errors

function renderGutter(errors) {
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

function showTableProblems(problems) {
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

function setTableStatus(text, ok) {
  const status = $("table-status");
  status.textContent = text;
  status.className = `table-status ${ok ? "ok" : "bad"}`;
  $("table-text").setAttribute("aria-invalid", ok ? "false" : "true");
  $("table-state").textContent = edited() ? "table edited" : "table as loaded";
}

async function validateNow() {
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

const scheduleValidate = debounce(validateNow, 300);

// ---------------------------------------------------------------------------------------------
// check findings, each witness loadable into the form

async function runCheck() {
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
          $("consultant").querySelector("[data-fact]")?.focus();
        });
        buttons.append(button);
      });
      item.append(buttons);
    }
    list.append(item);
  }
}

const scheduleCheck = debounce(runCheck, 700);

// ---------------------------------------------------------------------------------------------
// downloads

function yamlScalar(value) {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map(yamlScalar).join(", ")}]`;
  return JSON.stringify(String(value));  // a JSON string is a YAML double-quoted scalar
}

function yamlKey(name) {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : JSON.stringify(name);
}

function caseYaml() {
  const kase = currentCase();
  const lines = ["# a case for: medpolicy decide POLICY this-file.yaml", `id: ${kase.id}`];
  if (kase.policy) lines.push(`policy: ${yamlScalar(kase.policy)}`);
  const entries = Object.entries(kase.facts);
  if (!entries.length) lines.push("facts: {}");
  else lines.push("facts:", ...entries.map(([k, v]) => `  ${yamlKey(k)}: ${yamlScalar(v)}`));
  return lines.join("\n") + "\n";
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------------------------------------------------------------------------------------------
// start

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
  $("clear-case").addEventListener("click", () => loadFacts({}));
  $("download-case").addEventListener("click", () => download("case.yaml", caseYaml(), "application/yaml"));
  $("download-result").addEventListener("click", () => {
    if (state.result) download("result.json", JSON.stringify(state.result, null, 2) + "\n", "application/json");
  });
  if (select.value) await loadPolicy(select.value);
  document.body.dataset.ready = "true";
}

start();
