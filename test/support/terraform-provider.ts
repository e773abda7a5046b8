/**
 * The `terraform` and `provider` blocks of a hand-written Terraform JSON
 * config that points the hashicorp/aws provider at an emulator: every named
 * service at one endpoint, dummy keys, no AWS account checks (what the
 * stack's `localstack` target synthesizes).
 */
export function emulatorProviderBlocks(endpoint: string, services: readonly string[], region = "us-east-1"): { terraform: unknown; provider: unknown } {
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: {
      aws: [
        {
          region,
          access_key: "test",
          secret_key: "test",
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: "true",
          endpoints: [Object.fromEntries(services.map((s) => [s, endpoint]))],
        },
      ],
    },
  };
}
