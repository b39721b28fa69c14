// The configuration and appConfiguration steps write entries (settings, key-values) and record, per entry, what was
// there before and what they wrote. Over runs of one connection the first prior of an entry survives (it is what
// existed before linkwright) and the latest written value wins (compensation only restores an entry still holding it).

interface Entry {
  name?: string;
  key?: string;
  writtenSealed?: string;
  writtenEtag?: string;
}

/** The stored prior merged with a later run's record of the same step and key. */
export function mergeWrittenEntries<Prior extends { changed: Entry[] }>(stored: Prior, run: { changed: boolean; prior?: Prior }): Prior {
  const id = (x: Entry) => x.name ?? x.key ?? "";
  const now = run.changed && run.prior ? run.prior.changed : [];
  const names = new Set(stored.changed.map(id));
  const merged = [...stored.changed.map((x) => ({ ...x })), ...now.filter((x) => !names.has(id(x)))];
  for (const x of merged) {
    const latest = now.find((n) => id(n) === id(x));
    if (latest?.writtenSealed) x.writtenSealed = latest.writtenSealed;
    if (latest?.writtenEtag) x.writtenEtag = latest.writtenEtag;
  }
  return { ...stored, changed: merged };
}
