// Route templates (`/subscriptions/{subscriptionId}/…/{name}`): the id a template names for a request's parameters,
// and the template of its parent resource.

/** Fills `{param}` placeholders of an ARM template from the route parameters. */
export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, p: string) => {
    const v = params[p];
    if (v === undefined) throw new Error(`template parameter ${p} missing for ${template}`);
    return v;
  });
}

/** The template of the parent resource (drops the last `/{type}/{name}` pair). */
export function parentTemplate(template: string): string {
  return template.split("/").slice(0, -2).join("/");
}
