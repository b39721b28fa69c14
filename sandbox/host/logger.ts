// The host's pluggable logger. Invocation lines carry function name, invocation id and duration.
export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical";

export interface HostLogger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

const LEVELS: Record<string, LogLevel> = {
  trace: "trace",
  debug: "debug",
  information: "information",
  info: "information",
  warning: "warning",
  warn: "warning",
  error: "error",
  critical: "critical",
  none: "trace",
};

export function normalizeLevel(level: string): LogLevel {
  return LEVELS[level.toLowerCase()] ?? "information";
}

/** Writes `[time] level message {fields}` lines to stderr/stdout. */
export function consoleLogger(prefix = "functions"): HostLogger {
  return {
    log(level, message, fields) {
      const line = `[${new Date().toISOString()}] ${prefix} ${level}: ${message}${fields && Object.keys(fields).length ? " " + JSON.stringify(fields) : ""}`;
      if (level === "error" || level === "critical" || level === "warning") console.error(line);
      else console.log(line);
    },
  };
}

/** Keeps lines in memory (tests read them back). */
export function memoryLogger(): HostLogger & { lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    log(level, message, fields) {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    },
  };
}

export const silentLogger: HostLogger = { log() {} };
