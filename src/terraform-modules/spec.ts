/**
 * A plain Terraform module as data: its variables and outputs render both the `.tf` files and the
 * README's tables, so a description is written once.
 */

export interface ModuleVariable {
  readonly name: string;
  /** Terraform type constraint, e.g. `list(string)`. */
  readonly type: string;
  readonly description: string;
  /** HCL expression of the default; absent: the variable is required. */
  readonly default?: string;
  readonly validations?: readonly ModuleValidation[];
}

export interface ModuleValidation {
  /** HCL expression. */
  readonly condition: string;
  /** Text, quoted for HCL when rendered; a `tf(...)` token in it is interpolated, e.g. the size that failed. */
  readonly message: string;
}

export interface ModuleOutput {
  readonly name: string;
  readonly description: string;
  /** HCL expression. */
  readonly value: string;
  readonly preconditions?: readonly ModuleValidation[];
}

export interface TerraformModule {
  /** Directory name, e.g. `key-policy`. */
  readonly name: string;
  /** One sentence for the README's first line and the inputs of callers. */
  readonly summary: string;
  /** Whether the module needs the AWS provider; `key-policy` needs none, so it runs offline. */
  readonly aws: boolean;
  readonly variables: readonly ModuleVariable[];
  readonly outputs: readonly ModuleOutput[];
  /** Data for the module's own templates (`templates/modules/<name>/*.hbs`). */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The `terraform` version a module requires: a module has no backend, so it needs less than the
 * roots that call it (`ROOT_TERRAFORM_VERSION`); its provider range is everyone's (`terraform/versions`).
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.5.0';
