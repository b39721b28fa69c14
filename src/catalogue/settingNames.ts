// Setting names a caller may never choose (customizedKeys values, additionalConfigurations keys, the binding-aware
// connection prefix): settings the platform reads to run or load code (App Service / Functions host settings,
// language runtimes' code-loading variables, profilers and agents). linkwright writes app settings with its own
// identity, which reaches every app it manages — linkwright's own function app included — so a connection must not
// be a way to set them. The catalogue's own default names are not checked (App Insights writes
// APPLICATIONINSIGHTS_CONNECTION_STRING). Patterns are case-insensitive, `*` matches any run of characters.

/** The built-in deny list (documented in ./README.md; extended per platform by LINKWRIGHT_DENIED_SETTINGS). */
export const DENIED_SETTING_PATTERNS: readonly string[] = [
  // App Service, Functions and Kudu host settings, and the APPSETTING_ twins App Service exposes.
  "WEBSITE_*", "WEBSITES_*", "FUNCTIONS_*", "AzureWebJobs*", "SCM_*", "APPSETTING_*", "MACHINEKEY_*",
  // Runtimes: options and paths that load code.
  "NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS",
  "JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CATALINA_OPTS",
  "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME",
  "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT",
  "DOTNET_STARTUP_HOOKS", "DOTNET_ADDITIONAL_DEPS", "DOTNET_SHARED_STORE", "CORECLR_*", "COR_PROFILER*", "COR_ENABLE_PROFILING",
  "ASPNETCORE_HOSTINGSTARTUPASSEMBLIES",
  "PATH", "BASH_ENV", "ENV", "PERL5OPT", "PERL5LIB", "RUBYOPT", "RUBYLIB", "PHP_INI_SCAN_DIR", "PHPRC",
  "SSL_CERT_FILE", "SSL_CERT_DIR", "PYTHONUSERBASE",
  // The Functions host's worker arguments and host.json overrides (languageWorkers__node__arguments, …).
  "languageWorkers__*", "languageWorkers:*", "AzureFunctionsJobHost__*", "AzureFunctionsJobHost:*",
  // Outbound proxies: every call the app makes would go through them.
  "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
  // Application Insights and the site extensions / agents App Service loads into the worker.
  "APPLICATIONINSIGHTS_*", "XDT_*", "DiagnosticServices_*", "InstrumentationEngine_*", "SnapshotDebugger_*", "ApplicationInsightsAgent_*",
];

const PATTERN = /^[A-Za-z0-9_.:*-]+$/;

/** Parses LINKWRIGHT_DENIED_SETTINGS (comma-separated patterns, `*` wildcard). Throws on a malformed entry. */
export function parseDeniedSettings(value: string | undefined): string[] {
  const out: string[] = [];
  for (const part of (value ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    if (!PATTERN.test(part)) {
      throw new Error(`LINKWRIGHT_DENIED_SETTINGS must list setting-name patterns (letters, digits, '_', '.', ':', '-', '*') separated by commas; '${part}' is not one.`);
    }
    out.push(part);
  }
  return out;
}

const compiled = new Map<string, RegExp>();
function regexOf(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
    compiled.set(pattern, re);
  }
  return re;
}

/** The pattern a name matches (the built-in list, then `extra`), or undefined. The name is also tried with '.', ':'
 *  and '-' read as '_', the form some hosts give environment variables (`node.options` is NODE_OPTIONS). */
export function deniedSettingPattern(name: string, extra: readonly string[] = []): string | undefined {
  const forms = [...new Set([name, name.replace(/[.:-]/g, "_")])];
  return [...DENIED_SETTING_PATTERNS, ...extra].find((p) => forms.some((f) => regexOf(p).test(f)));
}

export interface SettingNameIssue {
  field: string;
  code: "SettingNameNotAllowed";
  message: string;
}

/** The issue for a caller-chosen name, or undefined when it may be written. */
export function settingNameIssue(name: string, field: string, extra: readonly string[] = []): SettingNameIssue | undefined {
  const pattern = deniedSettingPattern(name, extra);
  if (!pattern) return undefined;
  return {
    field, code: "SettingNameNotAllowed",
    message: `The configuration name '${name}' matches '${pattern}', a platform or code-loading setting linkwright never writes; choose another name.`,
  };
}

/** The Functions host's own storage connection in its identity-based form (AzureWebJobsStorage__blobServiceUri, …, or
 *  with ':' in App Configuration): a connection like any other — the one storage triggers use by default — and what
 *  linkwright exists to set up without keys. Writing it needs the caller's own right to write the app's settings
 *  (checked as the caller before anything happens), so a binding-aware connection may write it; every other
 *  AzureWebJobs* name stays denied. */
export function isHostStorageConnectionSetting(name: string): boolean {
  return /^AzureWebJobsStorage(__|:)[A-Za-z]+$/i.test(name);
}
