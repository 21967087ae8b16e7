import { expectBadInput, keyshare } from '../support/cli';

// commander's usage errors are bad input like any other: one line, exit 2, and they say how to get help.
describe('usage errors say how to get help', () => {
  test.each([
    [['chek'], "unknown command 'chek' (Did you mean check?); run keyshare --help for usage"],
    [['frobnicate'], "unknown command 'frobnicate' (nearest command: generate); run keyshare --help for usage"],
    [['check'], "required option '--config <file>' not specified; run keyshare check --help for usage"],
    [['check', '--config'], "option '--config <file>' argument missing; run keyshare check --help for usage"],
    [
      ['review', '--fail-on', 'sometimes'],
      "option '--fail-on <severity>' argument 'sometimes' is invalid. Allowed choices are high, medium, low, never; run keyshare review --help for usage",
    ],
  ])('keyshare %j', (args, message) => {
    const r = keyshare(args);
    expectBadInput(r);
    expect(r.stderr).toBe(`keyshare: ${message}\n`);
  });

  test('--help of every command fits 80 columns and says "repeatable" once per option', () => {
    for (const command of ['synth', 'check', 'explain', 'doctor', 'review', 'modules', 'generate', 'audit']) {
      const help = keyshare([command, '--help']).stdout;
      for (const line of help.split('\n')) expect(`${command}: ${line}`).toMatch(new RegExp(`^${command}: .{0,80}$`, 'u'));
      for (const option of help.split(/\n {2}(?=-)/)) expect((option.match(/repeatable/g) ?? []).length).toBeLessThanOrEqual(1);
    }
  });
});
