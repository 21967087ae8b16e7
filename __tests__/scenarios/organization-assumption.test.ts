/**
 * The organization-mode assumption (issue #18, class 8): the consumers' create-grant steps are
 * proven through a key policy statement whose kms:GranteePrincipal holds `${aws:PrincipalAccount}`,
 * which IAM's grammar allows but no AWS KMS page shows in a key policy. `check` and `synth` print it
 * under "assuming"; `generate` (its summary, its JSON, its README) and `review` must print the same
 * sentence, taken here from check's own report, so a second wording anywhere fails. With
 * `organization.grantee: any-account`, only documented behaviour is used, and the sentence is absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkRollout } from '../../src/check/check';
import { generate, generateRenderers } from '../../src/generate';
import { keyPolicy } from '../../src/policy/key-policy';
import { render } from '../../src/render/format';
import { reviewRenderers } from '../../src/render/review';
import { planDocs, review } from '../support/review-fixtures';
import { ORG_ARN, ORG_ID, ORG_YAML, OWNER, rollout } from '../support/rollouts';
import { tempDir } from '../support/temp';

const VARIABLES = {
  url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
  quote: 'You can use policy variables in the Resource element and in string comparisons in the Condition element.',
};

const ANY_ACCOUNT_YAML = ORG_YAML.replace(`arn: "${ORG_ARN}" }`, `arn: "${ORG_ARN}", grantee: any-account }`);

/** The sentence as check prints it for this config, when it prints one. */
function checkSentence(yaml: string): string | undefined {
  const r = rollout(yaml);
  return checkRollout(r, keyPolicy(r)).assumptions.find((a) => a.includes('${aws:PrincipalAccount}'));
}

const tmp = tempDir('keyshare-org-assumption-');

function generated(yaml: string) {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const config = path.join(dir, 'keyshare.yaml');
  fs.writeFileSync(config, yaml);
  const accounts = path.join(dir, 'accounts.json');
  const ids = [OWNER, '444455556666', '777788889999'];
  fs.writeFileSync(
    accounts,
    JSON.stringify({
      Accounts: ids.map((Id) => ({
        Id,
        Arn: `arn:aws:organizations::${OWNER}:account/${ORG_ID}/${Id}`,
        Name: `team-${Id}`,
        Status: 'ACTIVE',
        State: 'ACTIVE',
      })),
    }),
  );
  const out = path.join(dir, 'out');
  const result = generate({ accounts, config, out, ous: [], exclude: [], waveSize: 16 });
  return { result, readme: fs.readFileSync(path.join(out, 'README.md'), 'utf8') };
}

describe(`the \${aws:PrincipalAccount} grantee assumption is printed wherever a verdict rests on it (${VARIABLES.url})`, () => {
  const sentence = checkSentence(ORG_YAML)!;

  it('check prints it for the own-account grantee, and not for any-account', () => {
    expect(VARIABLES.quote).toMatch(/string comparisons in the Condition element/);
    expect(sentence).toMatch(/^KMS resolves \$\{aws:PrincipalAccount\} inside kms:GranteePrincipal of /);
    expect(checkSentence(ANY_ACCOUNT_YAML)).toBeUndefined();
  });

  it('generate prints it in its summary (text and markdown), its JSON and its README', () => {
    const { result, readme } = generated(ORG_YAML);
    const text = render(generateRenderers, result, 'text');
    expect(text).toMatch(/\n {2}assuming \(not proven\):\n/);
    expect(text).toContain(`    - ${sentence}\n`);
    expect(render(generateRenderers, result, 'markdown')).toContain(sentence);
    expect(JSON.parse(render(generateRenderers, result, 'json')).assumptions).toContain(sentence);
    expect(readme).toContain('**Assuming (not proven)**');
    expect(readme.replace(/\\/g, '')).toContain(sentence.replace(/\\/g, ''));
  });

  it('generate with the any-account grantee does not print it', () => {
    const { result, readme } = generated(ANY_ACCOUNT_YAML);
    expect(render(generateRenderers, result, 'text')).not.toContain('${aws:PrincipalAccount}');
    expect(readme).not.toContain('aws:PrincipalAccount} inside');
  });

  it('review prints it in its report, its text and its comment when a launch path holds through that statement', () => {
    const report = review(planDocs(ORG_YAML));
    expect(report.keys[0].launch.map((l) => l.status)).toEqual(['holds', 'holds']);
    expect(report.assumptions).toContain(sentence);
    const options = { failOn: 'high' as const };
    expect(render(reviewRenderers, { report, options }, 'text')).toContain(`    - ${sentence}\n`);
    expect(render(reviewRenderers, { report, options }, 'markdown')).toContain('aws:PrincipalAccount} inside kms:GranteePrincipal');
  });

  it('review does not print it for the any-account grantee', () => {
    const report = review(planDocs(ANY_ACCOUNT_YAML));
    expect(report.assumptions.some((a) => a.includes('${aws:PrincipalAccount}'))).toBe(false);
  });
});
