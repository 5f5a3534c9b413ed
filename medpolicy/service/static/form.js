// The consultant form: one labelled control per fact (data-fact="<id>"), read as a case.

import { $, el } from "./dom.js";
import { state } from "./state.js";

export function factInputs() {
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

export function buildForm(table, values) {
  const form = $("consultant");
  form.replaceChildren();
  const facts = Object.entries(table.facts);
  if (facts.some(([, fact]) => fact.type === "date")) {
    // dates are read relative to the case's service date (DESIGN.md, v2)
    const input = el("input", { type: "date", id: "service-date", name: "service_date" });
    input.dataset.caseField = "service_date";
    const label = el("label", { for: "service-date" }, "Service date",
      el("code", { text: "service_date" }));
    form.append(el("div", { class: "question" }, label, el("div", { class: "control" }, input)));
  }
  facts.forEach(([name, fact], index) => {
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

export function currentFacts() {
  const facts = {};
  for (const input of factInputs()) {
    const value = readValue(input);
    if (value !== undefined) facts[input.dataset.fact] = value;
  }
  return facts;
}

export function currentCase() {
  const kase = { id: "workbench", policy: state.table ? state.table.id : undefined,
    facts: currentFacts() };
  const serviceDate = $("service-date");
  if (serviceDate && serviceDate.value) kase.service_date = serviceDate.value;
  return kase;
}

export function markAnswered() {
  for (const input of factInputs()) {
    input.closest(".question").classList.toggle("answered", input.value.trim() !== "");
  }
}

/** Put a case's facts in the form (unknown for every fact it does not give). */
export function loadFacts(facts) {
  for (const input of factInputs()) setInput(input, facts[input.dataset.fact]);
  markAnswered();
}
