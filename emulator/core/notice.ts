/** An operational notice for the cloud's log (a refused delivery, a failed poll): the message says it all, a stack trace would only bury it. */
export function notice(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}
