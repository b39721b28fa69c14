// NCRONTAB schedules as Azure Functions timer triggers use them: six fields `sec min hour day month day-of-week`
// (five-field expressions get second 0), with `*`, values, ranges `a-b`, steps `*/n` `a-b/n` `a/n`, lists, and
// month/day names. Day-of-month and day-of-week must both match (NCrontab semantics). Times are UTC.

export interface CronSchedule {
  expression: string;
  /** First occurrence strictly after `after` (ms). */
  next(after: number): number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: "day-of-week", min: 0, max: 6, names: DAYS, namesBase: 0 },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const upper = text.toUpperCase();
  if (spec.names) {
    const i = spec.names.findIndex((n) => upper === n || (upper.length > 3 && n === upper.slice(0, 3)));
    if (i >= 0) return i + (spec.namesBase ?? 0);
  }
  if (!/^\d+$/.test(text)) throw new Error(`Invalid ${spec.name} value "${text}" in NCRONTAB "${expression}"`);
  let value = Number(text);
  if (spec.name === "day-of-week" && value === 7) value = 0;
  if (value < spec.min || value > spec.max) throw new Error(`${spec.name} value ${value} out of range in NCRONTAB "${expression}"`);
  return value;
}

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    if (part === "") throw new Error(`Empty list item in NCRONTAB "${expression}"`);
    const [rangeText, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`Invalid step "${stepText}" in NCRONTAB "${expression}"`);
    let lo: number;
    let hi: number;
    if (rangeText === "*" || rangeText === "?") {
      lo = spec.min;
      hi = spec.max;
    } else if (rangeText!.includes("-")) {
      const [a, b] = rangeText!.split("-");
      lo = parseValue(a!, spec, expression);
      hi = parseValue(b!, spec, expression);
      if (spec.name === "day-of-week" && b === "7") hi = 6 + 1;
      if (hi < lo) throw new Error(`Invalid range "${rangeText}" in NCRONTAB "${expression}"`);
    } else {
      lo = parseValue(rangeText!, spec, expression);
      hi = stepText === undefined ? lo : spec.max;
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.name === "day-of-week" ? v % 7 : v);
  }
  return values;
}

export function parseNcrontab(expression: string): CronSchedule {
  let parts = expression.trim().split(/\s+/);
  if (parts.length === 5) parts = ["0", ...parts];
  if (parts.length !== 6) throw new Error(`NCRONTAB "${expression}" must have 6 fields (sec min hour day month day-of-week)`);
  const [sec, min, hour, day, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]!, expression)) as [
    Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>,
  ];

  return {
    expression,
    next(after: number): number {
      // Start at the next whole second; walk fields from the largest unit down, jumping to the next candidate.
      const d = new Date(Math.floor(after / 1000) * 1000 + 1000);
      const limit = after + 5 * 366 * 24 * 3600 * 1000;
      while (d.getTime() <= limit) {
        if (!month.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!day.has(d.getUTCDate()) || !dow.has(d.getUTCDay())) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!hour.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (!min.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
          continue;
        }
        if (!sec.has(d.getUTCSeconds())) {
          d.setUTCSeconds(d.getUTCSeconds() + 1, 0);
          continue;
        }
        return d.getTime();
      }
      throw new Error(`NCRONTAB "${expression}" has no occurrence within 5 years after ${new Date(after).toISOString()}`);
    },
  };
}
