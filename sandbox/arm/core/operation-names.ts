// Human-readable names for ARM operations ({value, localizedValue} pairs of the activity log).
export function localizedOperationName(action: string): string {
  const parts = action.split("/");
  const verb = parts[parts.length - 1].toLowerCase();
  const types = parts.slice(1, -1);
  if (verb === "action") return `${camelWords(types[types.length - 1] ?? "action")} (${types.slice(0, -1).map(camelWords).join(" ")})`;
  const noun = camelWords(singular(types[types.length - 1] ?? parts[0]));
  if (verb === "write") return `Create or Update ${noun}`;
  if (verb === "delete") return `Delete ${noun}`;
  if (verb === "read") return `Get ${noun}`;
  return `${camelWords(verb)} ${noun}`;
}

function singular(s: string): string {
  return s.endsWith("ies") ? `${s.slice(0, -3)}y` : s.endsWith("s") ? s.slice(0, -1) : s;
}

function camelWords(s: string): string {
  return s.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
}
