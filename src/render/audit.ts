import type { AccountAudit, AuditReport, Drift, Unknown } from '../audit/report';
import { oneLine } from '../errors';
import { json, Renderers } from './format';
import { renderTemplate } from '../templates/engine';

/** The machine shape: every account, every drift, every call that failed. */
export function auditJson(report: AuditReport) {
  return {
    keyArn: report.keyArn ?? null,
    owner: report.owner,
    counts: report.counts,
    accounts: report.accounts.map((a) => ({
      account: a.account,
      status: a.status,
      sameAccount: a.sameAccount,
      failingStep: a.failingStep?.id ?? null,
      fix: a.fix ?? null,
      steps: a.steps,
      unknowns: a.unknowns,
    })),
    drift: report.drift,
    unknowns: report.unknowns,
    adoptable: report.adoptable,
  };
}

// What AWS returns (error messages, Sids, grant IDs) reaches the terminal only through oneLine.
const unknownRow = (u: Unknown) => ({ action: u.action, target: oneLine(u.target), error: oneLine(u.error), needs: oneLine(u.needs) });
const driftRow = (d: Drift) => ({ kind: d.kind, account: d.account ?? null, target: oneLine(d.target), detail: oneLine(d.detail) });

/** Only accounts that are not proven are listed one by one: at 5,000 accounts the proven ones are a count. */
function accountRow(a: AccountAudit) {
  return {
    account: a.account,
    status: a.status,
    failingStep: a.failingStep ? { id: a.failingStep.id, title: oneLine(a.failingStep.title) } : null,
    fix: a.fix ? { problem: oneLine(a.fix.problem), action: oneLine(a.fix.action), command: a.fix.command ? oneLine(a.fix.command) : null } : null,
    unknowns: a.unknowns.map(unknownRow),
  };
}

function auditView(report: AuditReport) {
  const listed = report.accounts.filter((a) => a.status !== 'proven');
  return {
    keyArn: report.keyArn ?? null,
    owner: report.owner,
    counts: report.counts,
    total: report.accounts.length,
    healthy: listed.length === 0 && report.drift.length === 0 && report.unknowns.length === 0,
    broken: listed.filter((a) => a.status === 'broken').map(accountRow),
    unknown: listed.filter((a) => a.status === 'unknown').map(accountRow),
    drift: report.drift.map(driftRow),
    unknowns: report.unknowns.map(unknownRow),
  };
}

export const auditRenderers: Renderers<AuditReport> = {
  text: (r) => renderTemplate('audit.txt', auditView(r)),
  markdown: (r) => renderTemplate('audit.md', auditView(r)),
  json: (r) => json(auditJson(r)),
};
