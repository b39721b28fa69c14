export * from "./types.js";
export { createTableStore, type TableStoreOptions } from "./tableStore.js";
export { encodeKey, decodeKey } from "./keys.js";
export { splitLinkerId } from "./linkerId.js";
