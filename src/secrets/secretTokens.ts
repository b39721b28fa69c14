// Secret facts are planned as tokens: the catalogue builds configuration values with `{{lw-secret:<fact>}}` in
// place of a key or password, so plans, durable history and table rows never hold the value. The activity that
// writes a value replaces the tokens (fetching keys from the target, or opening the user's sealed secret).
const TOKEN = /\{\{lw-secret:([A-Za-z]+)\}\}/g;

export function secretToken(fact: string): string {
  return `{{lw-secret:${fact}}}`;
}

export function secretFactsIn(value: string): string[] {
  return [...new Set([...value.matchAll(TOKEN)].map((m) => m[1]!))];
}

export function hasSecretToken(value: string): boolean {
  return secretFactsIn(value).length > 0;
}

export function fillSecretTokens(value: string, facts: Record<string, string | undefined>): string {
  return value.replace(TOKEN, (_, fact: string) => {
    const v = facts[fact];
    if (v === undefined || v === "") throw new Error(`The secret '${fact}' could not be obtained.`);
    return v;
  });
}
