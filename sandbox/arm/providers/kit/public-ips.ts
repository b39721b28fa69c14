// Outbound addresses for resources that report them (sites, container apps): stable per resource, never real.

/** A deterministic pseudo-public IPv4 (20.x.y.z) derived from a string, for outbound addresses. */
export function fakePublicIp(seed: string, n: number): string {
  let h = 2166136261;
  for (const ch of `${seed.toLowerCase()}#${n}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `20.${(h >>> 16) & 0xff}.${(h >>> 8) & 0xff}.${(h & 0xfe) + 1}`;
}
