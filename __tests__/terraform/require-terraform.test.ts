import { tempDir } from '../support/temp';
import { requireTerraform } from '../support/terraform';

describe('tests that need terraform', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  test('fail with a message that says terraform is missing and what the test needed it for', () => {
    // An empty PATH would fall back to the system's default search path; an empty directory does not.
    process.env.PATH = tempDir('keyshare-empty-path-');
    expect(() => requireTerraform('it plans the example')).toThrow(
      /^terraform is not on PATH, and this test needs it: it plans the example\. Install Terraform/,
    );
  });

  test('go ahead when it is on PATH', () => {
    expect(() => requireTerraform()).not.toThrow();
  });
});
