/** Terraform is not installed or not on PATH. */
export class TerraformNotFoundError extends Error {
  readonly code = "TerraformNotFound";
  constructor(readonly executable: string) {
    super(
      `terraform was not found (tried \`${executable}\`). Install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) and put it on PATH.`,
    );
    this.name = "TerraformNotFoundError";
  }
}

/** A terraform command ran and failed; `output` holds its last lines, where Terraform says why. */
export class TerraformCommandError extends Error {
  readonly code = "TerraformFailed";
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly output: string,
  ) {
    super(`terraform ${command} failed${exitCode === undefined ? "" : ` with exit code ${exitCode}`}:\n${output}`);
    this.name = "TerraformCommandError";
  }
}
