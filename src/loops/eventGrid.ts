/**
 * `eventGridTrigger` functions fed by storage-account Event Grid subscriptions: with the subscription known, the
 * trigger becomes a blob trigger on the subject filter; without it, a possible trigger on the app's own blob writes.
 */
import type { EventGridSubscriptionInfo } from "./model.js";
import { armIdSegment } from "./endpoints.js";
import { showGlob, STAR } from "./pattern.js";
import { ANY, containerOf, makeRef, type ResolvedTrigger } from "./refs.js";

const STORAGE_SUBJECT_PREFIX = "/blobservices/default/containers/";

/**
 * Storage Event Grid subject filter → blob glob. Subjects look like
 * `/blobServices/default/containers/<container>/blobs/<path>`; `subjectBeginsWith` / `subjectEndsWith` become a
 * literal prefix and suffix around a wildcard.
 */
export function subjectFilterGlob(beginsWith = "", endsWith = ""): string {
  let body = "";
  const lower = beginsWith.toLowerCase();
  if (lower.startsWith(STORAGE_SUBJECT_PREFIX)) {
    const rest = beginsWith.slice(STORAGE_SUBJECT_PREFIX.length);
    const slash = rest.indexOf("/");
    if (slash < 0) body = rest.toLowerCase();
    else {
      const container = rest.slice(0, slash).toLowerCase();
      const after = rest.slice(slash);
      body = /^\/blobs\//i.test(after) ? `${container}/${after.slice("/blobs/".length)}` : `${container}/`;
    }
  }
  let suffix = endsWith;
  const blobsAt = suffix.toLowerCase().lastIndexOf("/blobs/");
  if (blobsAt >= 0) suffix = suffix.slice(blobsAt + "/blobs/".length);
  return `${body}${STAR}${suffix}`;
}

export function eventGridTriggers(fn: string, label: string, subscriptions: EventGridSubscriptionInfo[]): ResolvedTrigger[] {
  const mine = subscriptions.filter((s) => s.function.toLowerCase() === fn.toLowerCase());
  if (mine.length === 0) {
    return [
      {
        ref: makeRef("blob", undefined, ANY, "(unknown Event Grid source)"),
        glob: STAR,
        binding: label,
        sameAppOnly: true,
        uncertain: ["the Event Grid subscription feeding this trigger is unknown; assumed to be blob events of storage the app writes to"],
      },
    ];
  }
  const out: ResolvedTrigger[] = [];
  for (const sub of mine) {
    const account = armIdSegment(sub.topicResourceId, "storageAccounts")?.toLowerCase();
    if (!account) continue; // not a storage account topic: no binding writes there
    const types = sub.includedEventTypes;
    if (types && types.length > 0 && !types.some((t) => /BlobCreated|BlobRenamed/i.test(t))) continue;
    const glob = subjectFilterGlob(sub.subjectBeginsWith, sub.subjectEndsWith);
    out.push({
      ref: makeRef("blob", account, containerOf(glob), `eventGrid:${showGlob(glob)}`),
      glob,
      binding: label,
      uncertain: [],
    });
  }
  return out;
}

