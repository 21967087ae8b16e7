import * as fs from 'fs';
import * as path from 'path';
import { parsePlan, ResourceChange } from '../../src/review/plan';
import { render } from '../../src/render/format';
import { reviewRenderers } from '../../src/render/review';
import { reviewPlans } from '../../src/review/review';
import { displayValue, UNKNOWN_TEXT, SENSITIVE_TEXT } from '../../src/review/values';
import { expectBadInput, keyshare } from '../support/cli';
import { keyshareInProcess } from '../cli/in-process';
import { FIRST_SECRET, SECOND_SECRET, terraformPlan, TerraformPlan } from '../support/terraform-plan';
import { tempDir } from '../support/temp';

// One real plan for the whole file: terraform init, apply and plan cost about a second.
let tf: TerraformPlan;
let byAddress: Map<string, ResourceChange>;

beforeAll(() => {
  tf = terraformPlan();
  const plan = parsePlan(tf.json, { flag: 'plan', file: tf.file });
  byAddress = new Map(plan.changes.map((c) => [c.address, c]));
});

afterAll(() => {
  if (tf) fs.rmSync(tf.dir, { recursive: true, force: true });
});

describe('plan reader on a real terraform plan', () => {
  it('reads the format version Terraform wrote', () => {
    expect(tf.json.format_version).toMatch(/^1\./);
    expect(parsePlan(tf.json, { flag: 'plan', file: tf.file }).formatVersion).toBe(tf.json.format_version);
  });

  it('classifies creates, updates, deletes, replacements, moves and imports', () => {
    expect(byAddress.get('terraform_data.created')?.kind).toBe('create');
    expect(byAddress.get('terraform_data.updated')?.kind).toBe('update');
    expect(byAddress.get('terraform_data.deleted')?.kind).toBe('delete');
    expect(byAddress.get('terraform_data.deleted')?.actionReason).toBe('delete_because_no_resource_config');
    const replaced = byAddress.get('terraform_data.replaced')!;
    expect(replaced.kind).toBe('replace');
    expect(replaced.replacePaths).toEqual([['triggers_replace']]);
    expect(replaced.actionReason).toBe('replace_because_cannot_update');
    const moved = byAddress.get('terraform_data.renamed')!;
    expect(moved.moved).toBe(true);
    expect(moved.previousAddress).toBe('terraform_data.old');
    expect(moved.kind).toBe('no-op');
    expect(byAddress.get('terraform_data.imported')?.importing).toBe('import-me');
  });

  it('counts the plan as terraform plan summarizes it', () => {
    const report = reviewPlans([{ stack: 'data', plan: parsePlan(tf.json, { flag: 'plan', file: tf.file }) }]);
    expect(report.totals).toEqual({ create: 1, update: 3, delete: 1, replace: 1, import: 1, move: 1, 'no-op': 0 });
    expect(report.destructive.map((c) => c.address)).toEqual(['terraform_data.deleted', 'terraform_data.replaced']);
    expect(report.changes.slice(0, 2).map((c) => c.kind)).toEqual(['delete', 'replace']);
  });

  it('shows an unknown value as known after apply, never as empty', () => {
    const created = displayValue(byAddress.get('terraform_data.created')!, 'after') as Record<string, unknown>;
    expect(created.input).toBe(UNKNOWN_TEXT);
    expect(created.id).toBe(UNKNOWN_TEXT);
    const report = reviewPlans([{ stack: 'data', plan: parsePlan(tf.json, { flag: 'plan', file: tf.file }) }]);
    const entry = report.changes.find((c) => c.address === 'terraform_data.created')!;
    expect(entry.attributes.find((a) => a.path === 'input')?.after).toBe(UNKNOWN_TEXT);
  });

  it('masks sensitive values in every format', () => {
    const secret = byAddress.get('terraform_data.secret')!;
    expect((displayValue(secret, 'after') as Record<string, unknown>).input).toBe(SENSITIVE_TEXT);
    const report = reviewPlans([{ stack: 'data', plan: parsePlan(tf.json, { flag: 'plan', file: tf.file }) }]);
    expect(report.changes.find((c) => c.address === 'terraform_data.secret')?.attributes.find((a) => a.path === 'input')).toEqual({
      path: 'input',
      before: SENSITIVE_TEXT,
      after: SENSITIVE_TEXT,
    });
    for (const format of ['json', 'markdown', 'text'] as const) {
      const out = render(reviewRenderers, { report, options: { failOn: 'high' } }, format);
      expect(out).not.toContain(SECOND_SECRET);
    }
    // Terraform itself marks only `input`: the previous `output` is shown as Terraform shows it.
    expect(JSON.stringify(secret.beforeSensitive)).toBe('{"input":true}');
    expect(FIRST_SECRET).not.toBe(SECOND_SECRET);
  });

  it('tolerates fields a later minor version adds', () => {
    const later = { ...tf.json, format_version: '1.99', future_top_level: { x: 1 } };
    later.resource_changes = later.resource_changes.map((rc: any) => ({
      ...rc,
      future_field: true,
      change: { ...rc.change, future_change_field: [1] },
    }));
    expect(parsePlan(later, { flag: 'plan', file: 'later.json' }).changes).toHaveLength(tf.json.resource_changes.length);
  });

  it('reviews the plan file through the CLI, named for its directory', () => {
    const r = keyshare(['review', tf.file, '--format', 'json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stacks[0].stack).toBe(path.basename(tf.dir));
    expect(out.findings).toEqual([]);
  });
});

describe('bad plans are bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('keyshare-review-bad-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('refuses an unknown major format version, naming the file and field', async () => {
    const file = write('v2.json', { ...tf.json, format_version: '2.0' });
    expectBadInput(await keyshareInProcess(['review', file]), /v2\.json: format_version/, /"2\.0"/);
  });

  it('refuses JSON that is not a plan', async () => {
    expectBadInput(
      await keyshareInProcess(['review', write('config.json', { resource: {} })]),
      /config\.json: format_version/,
      /not a Terraform JSON plan/,
    );
    expectBadInput(
      await keyshareInProcess(['review', write('state.json', { format_version: '1.0', values: {} })]),
      /state\.json: resource_changes/,
      /state, not of a plan/,
    );
  });

  it('refuses a malformed change and an undocumented action list', async () => {
    const broken = {
      ...tf.json,
      resource_changes: [{ ...tf.json.resource_changes[0], change: { ...tf.json.resource_changes[0].change, actions: 'create' } }],
    };
    expectBadInput(await keyshareInProcess(['review', write('broken.json', broken)]), /broken\.json: resource_changes\[0\]\.change\.actions/);
    const odd = {
      ...tf.json,
      resource_changes: [{ ...tf.json.resource_changes[0], change: { ...tf.json.resource_changes[0].change, actions: ['create', 'update'] } }],
    };
    expectBadInput(await keyshareInProcess(['review', write('odd.json', odd)]), /odd\.json: resource_changes\[0\]\.change\.actions/);
  });

  it('refuses unreadable files and directories without plans', async () => {
    expectBadInput(await keyshareInProcess(['review', path.join(dir, 'missing.json')]), /missing\.json/, /not found/);
    expectBadInput(await keyshareInProcess(['review', write('text.json', 'Plan: 1 to add')]), /text\.json/, /not valid JSON/);
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    fs.writeFileSync(path.join(empty, 'cdk.tf.json'), '{"resource": {}}');
    expectBadInput(await keyshareInProcess(['review', empty]), /holds no Terraform JSON plan/);
  });
});
