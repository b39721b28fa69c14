// Linker ids: `{sourceId}/providers/Microsoft.ServiceLinker/linkers/{name}` (case-insensitive provider segment).
export function splitLinkerId(linkerId: string): { sourceId: string; name: string } | undefined {
  const match = /^(\/.+)\/providers\/Microsoft\.ServiceLinker\/linkers\/([^/]+)$/i.exec(linkerId);
  return match ? { sourceId: match[1]!, name: match[2]! } : undefined;
}
