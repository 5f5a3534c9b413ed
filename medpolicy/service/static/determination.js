// Deciding the form's case and showing the verdict, reasons, request, pathways and graph.

import { api, errorMessage } from "./api.js";
import { $, debounce, el } from "./dom.js";
import { currentCase, factInputs } from "./form.js";
import { edited, state } from "./state.js";

const VERDICT_TEXT = {
  approve: "Every completion of what is still unknown approves.",
  deny: "Denied, whatever is still unknown.",
  refer: "Referred to clinical review.",
  pend: "The documentation so far allows more than one outcome.",
};

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

export async function decideNow() {
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

export const scheduleDecide = debounce(decideNow, 150);

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
