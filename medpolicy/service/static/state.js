// What the page knows: the chosen table, its text, the last valid table and result.

export const state = {
  policyId: null,   // the loaded table chosen in the policy list
  source: "",       // its YAML text as loaded
  table: null,      // the last valid table, as JSON (GET /v1/policies/{id} shape)
  text: "",         // the YAML text of that last valid table
  result: null,     // the last decide answer
  seq: { decide: 0, table: 0, check: 0 },
};

export function edited() {
  return state.text !== state.source;
}
