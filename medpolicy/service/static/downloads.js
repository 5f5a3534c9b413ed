// Downloads: the form's case as a YAML case file, the last result as JSON.

import { el } from "./dom.js";
import { currentCase } from "./form.js";

function yamlScalar(value) {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map(yamlScalar).join(", ")}]`;
  return JSON.stringify(String(value));  // a JSON string is a YAML double-quoted scalar
}

function yamlKey(name) {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : JSON.stringify(name);
}

export function caseYaml() {
  const kase = currentCase();
  const lines = ["# a case for: medpolicy decide POLICY this-file.yaml", `id: ${kase.id}`];
  if (kase.policy) lines.push(`policy: ${yamlScalar(kase.policy)}`);
  if (kase.service_date) lines.push(`service_date: ${yamlScalar(kase.service_date)}`);
  const entries = Object.entries(kase.facts);
  if (!entries.length) lines.push("facts: {}");
  else lines.push("facts:", ...entries.map(([k, v]) => `  ${yamlKey(k)}: ${yamlScalar(v)}`));
  return lines.join("\n") + "\n";
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
