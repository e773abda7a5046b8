import type { DynaliteBackend } from "./dynalite-backend.js";
import { fromReply, validation } from "./errors.js";
import { describeTable } from "./table-keys.js";

/** AWS's default and largest point-in-time recovery window. */
const MAX_RECOVERY_DAYS = 35;

interface PitrSpec {
  /** CreationDateTime of the table it belongs to; a recreated table starts without it */
  createdAt: number;
  recoveryPeriodInDays: number;
  /** epoch seconds, the earliest restorable time */
  enabledAt: number;
}

export interface TableSettingsState {
  pointInTimeRecovery: Record<string, PitrSpec>;
}

type Tag = { Key: string; Value: string };

function tagsOf(value: unknown): Tag[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 50) throw validation("Tags must be a list of at most 50 {Key, Value} pairs");
  for (const t of value as Partial<Tag>[]) {
    if (!t || typeof t.Key !== "string" || t.Key.length < 1 || t.Key.length > 128 || typeof t.Value !== "string" || t.Value.length > 256) {
      throw validation("1 validation error detected: each tag needs a Key of 1-128 characters and a Value of at most 256 characters");
    }
  }
  return value as Tag[];
}

/**
 * What dynalite lacks around a table's settings: `Tags` on CreateTable (dynalite
 * keeps tags only through TagResource) and continuous backups. Point-in-time
 * recovery is recorded and described as AWS does; there is nothing to restore from.
 */
export function createTableSettings(backend: Pick<DynaliteBackend, "call">) {
  let pitr = new Map<string, PitrSpec>();

  async function createTable(input: Record<string, unknown>): Promise<unknown> {
    const tags = tagsOf(input.Tags);
    const { Tags: _dropped, ...rest } = input;
    const reply = await backend.call("CreateTable", rest);
    if (reply.status !== 200) throw fromReply(reply);
    const arn = (reply.body.TableDescription as { TableArn: string }).TableArn;
    if (tags.length > 0) {
      const tagged = await backend.call("TagResource", { ResourceArn: arn, Tags: tags });
      if (tagged.status !== 200) throw fromReply(tagged);
    }
    return reply.body;
  }

  async function current(tableName: unknown): Promise<{ name: string; createdAt: number; spec?: PitrSpec }> {
    const table = await describeTable(backend, tableName);
    let spec = pitr.get(table.name);
    if (spec && spec.createdAt !== table.createdAt) {
      pitr.delete(table.name);
      spec = undefined;
    }
    return { name: table.name, createdAt: table.createdAt, spec };
  }

  function description(spec: PitrSpec | undefined): unknown {
    const now = Date.now() / 1000;
    return {
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: "ENABLED",
        PointInTimeRecoveryDescription: spec
          ? {
              PointInTimeRecoveryStatus: "ENABLED",
              RecoveryPeriodInDays: spec.recoveryPeriodInDays,
              EarliestRestorableDateTime: Math.max(spec.enabledAt, now - spec.recoveryPeriodInDays * 86_400),
              LatestRestorableDateTime: now,
            }
          : { PointInTimeRecoveryStatus: "DISABLED" },
      },
    };
  }

  async function describeContinuousBackups(input: Record<string, unknown>): Promise<unknown> {
    return description((await current(input.TableName)).spec);
  }

  async function updateContinuousBackups(input: Record<string, unknown>): Promise<unknown> {
    const spec = input.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: unknown; RecoveryPeriodInDays?: unknown } | undefined;
    if (!spec || typeof spec !== "object" || typeof spec.PointInTimeRecoveryEnabled !== "boolean") {
      throw validation("1 validation error detected: Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to satisfy constraint: Member must not be null");
    }
    const days = spec.RecoveryPeriodInDays ?? MAX_RECOVERY_DAYS;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > MAX_RECOVERY_DAYS) {
      throw validation(`1 validation error detected: Value '${String(days)}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value between 1 and ${MAX_RECOVERY_DAYS}`);
    }
    const table = await current(input.TableName);
    if (!spec.PointInTimeRecoveryEnabled) pitr.delete(table.name);
    else pitr.set(table.name, { createdAt: table.createdAt, recoveryPeriodInDays: days, enabledAt: table.spec?.enabledAt ?? Date.now() / 1000 });
    const out = description(pitr.get(table.name)) as { ContinuousBackupsDescription: unknown };
    return { ContinuousBackupsDescription: out.ContinuousBackupsDescription };
  }

  return {
    createTable,
    describeContinuousBackups,
    updateContinuousBackups,
    snapshot: (): TableSettingsState => ({ pointInTimeRecovery: Object.fromEntries(pitr) }),
    restore(state: unknown) {
      const saved = (state as Partial<TableSettingsState> | null)?.pointInTimeRecovery;
      pitr = new Map(saved && typeof saved === "object" ? Object.entries(saved) : []);
    },
  };
}
