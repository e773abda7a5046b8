/** SDK v3 client config for a local endpoint with dummy keys, as any AWS tool would use it. */
export function localClientConfig(endpoint: string, region = "us-east-1") {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    // Tests assert the first answer; retries would hide how the server replied.
    maxAttempts: 1,
  };
}
