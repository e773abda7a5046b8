/** The error a promise rejects with; fails when it resolves instead. */
export async function rejection<E = Error & { $metadata?: { httpStatusCode?: number } }>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (err) {
    return err as E;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
