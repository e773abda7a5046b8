import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";

/** Where offline machines keep providers: the folder that holds `registry.terraform.io/`. */
export function pluginMirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homedir();
  return [
    env.MOVIES_TF_PLUGIN_MIRROR,
    "/opt/tf-plugins",
    join(home, ".terraform.d", "plugins"),
    join(home, ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ].filter((p): p is string => Boolean(p));
}

/** The first mirror that holds the AWS provider, or undefined. */
export function findPluginMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return pluginMirrorCandidates(env).find((root) => existsSync(join(root, AWS_PROVIDER_ADDRESS)));
}

/** CLI configuration that installs the AWS provider from the mirror only, never from the network. */
export function mirrorCliConfig(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}
