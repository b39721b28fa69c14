// What the CLI reads from a Functions project and decides about it. Pure data: no I/O.

/** Where a binding was declared. */
export interface SourceLocation {
  /** Path relative to the project folder, `/`-separated. */
  file: string;
  /** 1-based line of the declaration. */
  line: number;
  origin: "v4" | "function.json" | "host.json";
}

/** One binding (or host-level use) that reads a connection, in function.json terms. */
export interface BindingConnection {
  /** Function name; `(host)` for what the host itself uses (its storage, the Durable Functions storage provider). */
  function: string;
  /** function.json `type`: `blobTrigger`, `blob`, `queueTrigger`, `queue`, `table`, `serviceBusTrigger`, …; host-level:
   *  `hostStorage`, `durableTaskStorage`, `durableTaskEventHubs`. */
  bindingType: string;
  direction: "in" | "out" | "inout";
  bindingName?: string;
  /** The connection the runtime looks up, after defaults (`AzureWebJobsStorage` for storage); "" when there is none. */
  connection: string;
  /** False when the binding names no connection and the default applies. */
  declaredConnection: boolean;
  /** The source expression of a `connection` the scan could not evaluate (e.g. `process.env.X`). */
  unreadableConnection?: string;
  /** The binding's other properties that name what it reads or writes (`path`, `queueName`, `topicName`, …). */
  properties: Record<string, string>;
  at: SourceLocation;
}

export interface ScanWarning {
  at: SourceLocation;
  message: string;
}

export type ProjectLanguage = "nodejs" | "dotnet" | "python" | "java" | "none";

export interface ProjectScan {
  projectDir: string;
  bindings: BindingConnection[];
  warnings: ScanWarning[];
  /** The project's language, as a ServiceLinker clientType. */
  clientType: ProjectLanguage;
  /** Project files read (sources, function.json, host.json). */
  filesRead: number;
}
