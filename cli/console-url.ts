/** Where the embedded cloud serves its browser console; `view` is a path under it ("mailbox", "queues/orders"). */
export function consoleUrl(cloudUrl: string, view = ""): string {
  const path = view.replace(/^\/+/, "");
  return `${cloudUrl.replace(/\/$/, "")}/_movies/console/${path}`;
}
