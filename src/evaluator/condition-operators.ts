import { splitArn } from '../policy/arns';
import { globRegExp } from './glob';

/**
 * Condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators").
 * Each is a positive test of one request value against one policy value; the negated operators
 * (`StringNotEquals`, `ArnNotLike`, ...) are "no policy value matches" of their positive twin.
 */
export interface Operator {
  readonly negated: boolean;
  /** Like and Arn operators treat `*` and `?` in policy values as wildcards. */
  readonly wildcards: boolean;
  readonly test: (requestValue: string, policyValue: string) => boolean;
  /**
   * Request values that stand on each side of `policyValue` for this operator, for deciding a key no
   * one gave (`evaluator/unknown.ts`): a CIDR block is no IP address, and a date or number equal to
   * the policy's is neither less nor greater than it, so the policy value alone would never show
   * that some value of the key meets the condition. An unknown key is unknown, not false.
   */
  readonly witnesses: (policyValue: string) => readonly string[];
}

const stringEquals = (a: string, b: string) => a === b;
const stringEqualsIgnoreCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const stringLike = (a: string, b: string) => globRegExp(b, false).test(a);

function numeric(compare: (a: number, b: number) => boolean) {
  return (a: string, b: string) => {
    const x = Number(a);
    const y = Number(b);
    return a.trim() !== '' && b.trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
  };
}

/** ISO 8601 dates or epoch seconds, both accepted by IAM's Date operators. */
function epochMillis(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  return Date.parse(value);
}

/** A number just below, equal to and just above the policy's. */
function numericWitnesses(value: string): string[] {
  const n = Number(value);
  return value.trim() === '' || Number.isNaN(n) ? [value] : [String(n - 1), value, String(n + 1)];
}

/** A date a second before, the policy's, and a second after. */
function dateWitnesses(value: string): string[] {
  const t = epochMillis(value);
  return Number.isNaN(t) ? [value] : [new Date(t - 1000).toISOString(), value, new Date(t + 1000).toISOString()];
}

function date(compare: (a: number, b: number) => boolean) {
  return (a: string, b: string) => {
    const x = epochMillis(a);
    const y = epochMillis(b);
    return !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
  };
}

const bool = (a: string, b: string) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return (x === 'true' || x === 'false') && x === y;
};

/**
 * ARN operators compare the six colon-separated parts one by one, each part a wildcard pattern;
 * ArnEquals and ArnLike behave the same.
 */
const arnLike = (a: string, b: string) => {
  const value = splitArn(a);
  const pattern = splitArn(b);
  return value !== undefined && pattern !== undefined && pattern.every((p, i) => globRegExp(p, false).test(value[i]));
};

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** IPv4 CIDR match; an IPv6 value never matches (not used by KMS key policies). */
const ipAddress = (a: string, b: string) => {
  const [net, bitsText] = b.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const address = ipv4(a);
  const network = ipv4(net);
  if (address === undefined || network === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (network & mask) >>> 0;
};

/** The CIDR block's own network address is in it; any other text is in no block. */
const ipWitnesses = (value: string) => [value.split('/')[0]];
const itself = (value: string) => [value];

function op(test: Operator['test'], negated = false, wildcards = false, witnesses: Operator['witnesses'] = itself): Operator {
  return { test, negated, wildcards, witnesses };
}

const num = (compare: (a: number, b: number) => boolean, negated = false) => op(numeric(compare), negated, false, numericWitnesses);
const dt = (compare: (a: number, b: number) => boolean, negated = false) => op(date(compare), negated, false, dateWitnesses);

/** Keyed by lower-case operator name: operator names are case-insensitive in practice. */
export const OPERATORS: ReadonlyMap<string, Operator> = new Map([
  ['stringequals', op(stringEquals)],
  ['stringnotequals', op(stringEquals, true)],
  ['stringequalsignorecase', op(stringEqualsIgnoreCase)],
  ['stringnotequalsignorecase', op(stringEqualsIgnoreCase, true)],
  ['stringlike', op(stringLike, false, true)],
  ['stringnotlike', op(stringLike, true, true)],
  ['numericequals', num((a, b) => a === b)],
  ['numericnotequals', num((a, b) => a === b, true)],
  ['numericlessthan', num((a, b) => a < b)],
  ['numericlessthanequals', num((a, b) => a <= b)],
  ['numericgreaterthan', num((a, b) => a > b)],
  ['numericgreaterthanequals', num((a, b) => a >= b)],
  ['dateequals', dt((a, b) => a === b)],
  ['datenotequals', dt((a, b) => a === b, true)],
  ['datelessthan', dt((a, b) => a < b)],
  ['datelessthanequals', dt((a, b) => a <= b)],
  ['dategreaterthan', dt((a, b) => a > b)],
  ['dategreaterthanequals', dt((a, b) => a >= b)],
  ['bool', op(bool)],
  ['binaryequals', op(stringEquals)],
  ['ipaddress', op(ipAddress, false, false, ipWitnesses)],
  ['notipaddress', op(ipAddress, true, false, ipWitnesses)],
  ['arnequals', op(arnLike, false, true)],
  ['arnlike', op(arnLike, false, true)],
  ['arnnotequals', op(arnLike, true, true)],
  ['arnnotlike', op(arnLike, true, true)],
]);
