// local.settings.json: changes keep every other value, section and the file's formatting; a second merge changes nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  changesFor, findSetting, LocalSettingsError, parseLocalSettings, readLocalSettings, renderLocalSettings, writeLocalSettings,
} from "../../src/cli/localSettings.js";

const ORIGINAL = `{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "FUNCTIONS_WORKER_RUNTIME": "node",
    "Images:blobServiceUri": "https://old.blob.core.windows.net",
    "RETRIES": 3
  },
  "Host": {
    "LocalHttpPort": 7072,
    "CORS": "*"
  },
  "ConnectionStrings": {}
}
`;

const WANTED = [
  { name: "Images__blobServiceUri", value: "https://acct1.blob.core.windows.net/", reason: "r" },
  { name: "Images__queueServiceUri", value: "https://acct1.queue.core.windows.net/", reason: "r" },
];

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("local.settings.json", () => {
  it("updates in place (the user's ':' spelling kept), adds at the end, keeps other values, sections and non-string values", () => {
    const file = parseLocalSettings("local.settings.json", ORIGINAL);
    const changes = changesFor(file.values, WANTED);
    expect(changes.map((c) => `${c.action} ${c.name}`)).toEqual(["update Images:blobServiceUri", "add Images__queueServiceUri"]);
    expect(renderLocalSettings(file, changes)).toBe(`{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "FUNCTIONS_WORKER_RUNTIME": "node",
    "Images:blobServiceUri": "https://acct1.blob.core.windows.net/",
    "RETRIES": 3,
    "Images__queueServiceUri": "https://acct1.queue.core.windows.net/"
  },
  "Host": {
    "LocalHttpPort": 7072,
    "CORS": "*"
  },
  "ConnectionStrings": {}
}
`);
  });

  it("is idempotent: merging the same settings again changes nothing and renders the same text", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lw-settings-"));
    writeFileSync(path.join(dir, "local.settings.json"), ORIGINAL);
    const first = await readLocalSettings(dir);
    await writeLocalSettings(first, changesFor(first.values, WANTED));
    const once = readFileSync(path.join(dir, "local.settings.json"), "utf8");
    const second = await readLocalSettings(dir);
    expect(changesFor(second.values, WANTED)).toEqual([]);
    expect(renderLocalSettings(second, [])).toBe(once);
  });

  it("removes a setting by any spelling; names compare case-insensitively with ':' as '__'", () => {
    const file = parseLocalSettings("f", ORIGINAL);
    expect(findSetting(file.values, "images__BLOBSERVICEURI")).toEqual({ key: "Images:blobServiceUri", value: "https://old.blob.core.windows.net" });
    const text = renderLocalSettings(file, [{ name: "azurewebjobsstorage", action: "remove", reason: "r" }]);
    expect(JSON.parse(text).Values).not.toHaveProperty("AzureWebJobsStorage");
  });

  it("creates the file when missing; keeps 4-space indentation and CRLF line endings of an existing one", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lw-settings-"));
    const missing = await readLocalSettings(dir);
    expect(missing.exists).toBe(false);
    expect(renderLocalSettings(missing, changesFor(missing.values, WANTED.slice(0, 1)))).toBe(
      `{\n  "IsEncrypted": false,\n  "Values": {\n    "Images__blobServiceUri": "https://acct1.blob.core.windows.net/"\n  }\n}\n`);
    const crlf = parseLocalSettings("f", `{\r\n    "IsEncrypted": false,\r\n    "Values": {}\r\n}`);
    expect(renderLocalSettings(crlf, [{ name: "A", action: "add", value: "1", reason: "r" }])).toBe(
      `{\r\n    "IsEncrypted": false,\r\n    "Values": {\r\n        "A": "1"\r\n    }\r\n}\r\n`);
  });

  it("refuses an encrypted or malformed file, changing nothing", () => {
    expect(() => parseLocalSettings("f", `{"IsEncrypted": true, "Values": {}}`)).toThrow(LocalSettingsError);
    expect(() => parseLocalSettings("f", `{"Values": {`)).toThrow(/not valid JSON/);
    expect(() => parseLocalSettings("f", `{"Values": []}`)).toThrow(/'Values' is not an object/);
  });
});
