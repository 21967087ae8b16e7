import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { SID } from '../../src/policy/key-policy';

/**
 * src/policy is the one place that spells an ARN shape or an account ID format (docs/ARCHITECTURE.md).
 * This scans the TypeScript outside it (src/ but src/policy, modules/, main.ts) with the TypeScript
 * parser, so comments never count, and fails naming file:line for:
 *   - a regular expression literal that contains `arn:` or a 12-digit account ID (`\d{12}`, `[0-9]{12}`);
 *   - a string or template that holds such a regular expression source (`\\d{12}`), or is passed to
 *     `RegExp` and contains `arn:`;
 *   - a template or string that is itself an ARN under construction: it starts with `arn:`, and no
 *     literal part of it holds white space (`arn:${partition}:iam::${account}:role/${name}`);
 *   - likewise a KMS action or condition key (`'kms:Decrypt'`, `` `kms:${name}` ``, `'aws:SourceAccount'`):
 *     src/policy/actions.ts and conditions.ts name them, `kmsAction()` builds one;
 *   - a string that is one of the key policy's Sids (src/policy/key-policy.ts SID).
 * Prose is left alone on purpose: an error message's fix ("write arn:${partition}:...: IAM and KMS
 * ..."), an example ("e.g. arn:aws:iam::111122223333:role/deploy") or a Terraform variable's
 * description in src/terraform-modules shows the user a shape; it does not match or build one.
 */

const ROOT = path.join(__dirname, '..', '..');
const ACCOUNT_ID_SOURCE = /\\d\{12\}|\[0-9\]\{12\}/;
const WHITE_SPACE = /\s/;
const ACTION_OR_KEY = /^(?:kms|aws):/i;
const SIDS = new Set<string>(Object.values(SID).flatMap((v) => (typeof v === 'string' ? [v] : [])));

export interface Restatement {
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

/** The literal parts of a string or template, `${…}` left out. */
function literalParts(node: ts.Node): string[] | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
  return undefined;
}

function isRegExpArgument(node: ts.Node): boolean {
  const call = node.parent;
  return (
    (ts.isNewExpression(call) || ts.isCallExpression(call)) &&
    ts.isIdentifier(call.expression) &&
    call.expression.text === 'RegExp' &&
    ((call.arguments ?? []) as readonly ts.Node[]).includes(node)
  );
}

export function restatements(fileName: string, source: string): Restatement[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Restatement[] = [];
  const report = (node: ts.Node, why: string) =>
    found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text: node.getText(file), why });
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      if (node.text.includes('arn:') || ACCOUNT_ID_SOURCE.test(node.text)) report(node, 'regular expression with an ARN shape or account ID');
      return;
    }
    const parts = literalParts(node);
    if (parts) {
      const text = parts.join('');
      if (ACCOUNT_ID_SOURCE.test(text)) report(node, 'regular expression source with an account ID');
      else if (text.includes('arn:') && isRegExpArgument(node)) report(node, 'regular expression source with an ARN shape');
      else if (parts[0].startsWith('arn:') && !parts.some((p) => WHITE_SPACE.test(p))) report(node, 'ARN spelled outside src/policy');
      else if (ACTION_OR_KEY.test(parts[0]) && !parts.some((p) => WHITE_SPACE.test(p)))
        report(node, 'KMS action or condition key spelled outside src/policy');
      else if (parts.length === 1 && SIDS.has(parts[0])) report(node, 'key policy Sid spelled outside src/policy');
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function scannedFiles(): string[] {
  const under = (dir: string) =>
    (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => path.join(dir, f).split(path.sep).join('/'));
  return [...under('src').filter((f) => !f.startsWith('src/policy/')), ...under('modules'), 'main.ts'].sort();
}

describe('one source for ARN shapes and ID formats', () => {
  test('no file outside src/policy restates an ARN shape or the account ID format', () => {
    const files = scannedFiles();
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'src/config/fields.ts', 'src/evaluator/caller.ts', 'modules/key-owner/index.ts']));
    const offenders = files.flatMap((f) =>
      restatements(f, fs.readFileSync(path.join(ROOT, f), 'utf8')).map((r) => `${f}:${r.line}: ${r.why}: ${r.text}`),
    );
    expect(offenders).toEqual([]);
  });

  // The rule against the lines it was written to catch, and the prose it must leave alone.
  test.each([
    ['const issuer = /:(\\d{12}):/.exec(arn)?.[1];', 'regular expression with an ARN shape or account ID'],
    ['const account = z.string().regex(/^\\d{12}$/);', 'regular expression with an ARN shape or account ID'],
    ['const KEY = new RegExp(`^arn:${PARTITION}:kms:[a-z0-9-]+:\\\\d{12}:key/.+$`);', 'regular expression source with an account ID'],
    ["const ARN_PARTITION = new RegExp('^arn:([^:]+):');", 'regular expression source with an ARN shape'],
    ['const principalArn = `arn:${partition}:iam::${account}:role/${name}`;', 'ARN spelled outside src/policy'],
    ["const root = 'arn:aws:iam::' + account + ':root';", 'ARN spelled outside src/policy'],
    ["if (has('kms:PutKeyPolicy')) parts.push('administer');", 'KMS action or condition key spelled outside src/policy'],
    ['const names = operations.map((a) => `kms:${a}`);', 'KMS action or condition key spelled outside src/policy'],
    ["const SCOPING = [PRINCIPAL_ORG_ID, 'aws:SourceAccount'];", 'KMS action or condition key spelled outside src/policy'],
    [`const admin = statements.find((s) => s.Sid === '${SID.administrators}');`, 'key policy Sid spelled outside src/policy'],
  ])('flags %s', (line, why) => {
    expect(restatements('x.ts', line)).toEqual([expect.objectContaining({ line: 1, why })]);
  });

  test.each([
    ["const fix = 'write arn:<partition>:iam::<12-digit account>:role/<name>, e.g. arn:aws:iam::111122223333:role/deploy';"],
    ['const fix = `write arn:${partition}:...: IAM and KMS never match principals across partitions`;'],
    [
      "const description = 'Organization mode: launch permission for the whole organization (arn:aws:organizations::<management account>:organization/o-...).';",
    ],
    ['// const old = /:(\\d{12}):/;\n/** `arn:${partition}:iam::${account}:root` */\nconst x = 1;'],
    ['const ACCOUNT_ROOT_FILE = new RegExp(`^accounts/(${ACCOUNT_ID_SOURCE})/main\\\\.tf$`);'],
    ['const fix = \'write it as in AWS policies, e.g. "kms:Decrypt" or ["kms:Decrypt", "kms:Encrypt"]\';'],
    ['const line = `kms:GrantOperations of create-grant: ${ops}`;'],
  ])('leaves alone %s', (source) => {
    expect(restatements('x.ts', source)).toEqual([]);
  });
});
