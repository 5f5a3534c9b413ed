// Calls to the service's REST API: JSON or YAML text in, {ok, status, data} out.

export async function api(method, path, body, yaml = false) {
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

export function errorMessage(answer) {
  const error = answer.data && answer.data.error;
  return error ? error.message : `HTTP ${answer.status}`;
}
