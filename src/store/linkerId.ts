// Linker ids: `{sourceId}/providers/Microsoft.ServiceLinker/linkers/{name}` (case-insensitive provider segment), and
// connector ids `{connector scope}/connectors/{name}` (src/model/connector.ts), whose source id is the scope.
import { splitConnectorId } from "../model/connector.js";

export function splitLinkerId(linkerId: string): { sourceId: string; name: string } | undefined {
  const match = /^(\/.+)\/providers\/Microsoft\.ServiceLinker\/linkers\/([^/]+)$/i.exec(linkerId);
  return match ? { sourceId: match[1]!, name: match[2]! } : splitConnectorId(linkerId);
}
