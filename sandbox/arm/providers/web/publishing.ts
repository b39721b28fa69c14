// Publishing profiles: POST {site|slot}/publishxml (WebApps_ListPublishingProfileXmlWithSecrets), the XML that
// `az webapp show` reads for ftpPublishingUrl and `az webapp deployment list-publishing-profiles` prints (Web Deploy,
// FTP and Zip Deploy profiles, as App Service returns them). The credentials are stable per site and fake: nothing in
// the sandbox accepts them. Action Microsoft.Web/sites[/slots]/publishxml/action, as in Azure.
import { createHash } from "node:crypto";
import { ArmError, type Route, type RouteContext, type RouteResult } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";
import { SITE, SLOT, requireSite } from "./sites.js";

const FORMATS = ["WebDeploy", "FileZilla3", "Ftp"];

function xmlAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function publishXml(ctx: RouteContext): RouteResult {
  const site = requireSite(ctx);
  const body = asObject(ctx.req.body);
  const format = typeof body.format === "string" ? body.format : "WebDeploy";
  if (!FORMATS.some((f) => f.toLowerCase() === format.toLowerCase())) {
    // The values App Service accepts (PublishingProfileFormat).
    throw new ArmError(400, "BadRequest", `The publishing profile format '${format}' is not valid; use one of ${FORMATS.join(", ")}.`, "format");
  }
  const props = asObject(site.properties);
  const host = String(props.defaultHostName ?? `${site.name}.azurewebsites.net`);
  const scm = host.replace(/\.azurewebsites\.net$/i, ".scm.azurewebsites.net");
  const appName = site.name.replace("/", "__");
  const user = `$${appName}`;
  const password = createHash("sha256").update(`publishing#${site.id.toLowerCase()}`).digest("base64url").slice(0, 60);
  const common = `userPWD="${xmlAttr(password)}" destinationAppUrl="https://${xmlAttr(host)}" SQLServerDBConnectionString="" mySQLDBConnectionString="" hostingProviderForumLink="" controlPanelLink="https://portal.azure.com" webSystem="WebSites"`;
  const profile = (name: string, method: string, url: string, extra = "", userName = user) =>
    `<publishProfile profileName="${xmlAttr(`${appName} - ${name}`)}" publishMethod="${method}" publishUrl="${xmlAttr(url)}"${extra} `
    + `userName="${xmlAttr(userName)}" ${common}><databases /></publishProfile>`;
  const ftpHost = "waws-prod-sandbox-001.ftp.azurewebsites.windows.net";
  const xml = "<publishData>"
    + profile("Web Deploy", "MSDeploy", `${scm}:443`, ` msdeploySite="${xmlAttr(appName)}"`)
    + profile("FTP", "FTP", `ftps://${ftpHost}/site/wwwroot`, ` ftpPassiveMode="True"`, `${appName}\\${user}`)
    + profile("Zip Deploy", "ZipDeploy", `${scm}:443`)
    + "</publishData>";
  return { status: 200, body: Buffer.from(xml, "utf8"), headers: { "Content-Type": "application/xml" } };
}

export const publishingRoutes: Route[] = [
  { method: "POST", template: `${SITE}/publishxml`, action: "Microsoft.Web/sites/publishxml/action", handle: publishXml },
  { method: "POST", template: `${SLOT}/publishxml`, action: "Microsoft.Web/sites/slots/publishxml/action", handle: publishXml },
];
