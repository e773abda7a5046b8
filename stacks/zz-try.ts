import { startMoto } from "../test/support/moto.js";
import { writeFunctionZips } from "./testing/function-zips.js";
import { synthStack } from "./synth.js";
import { Terraform } from "./terraform/terraform.js";
const moto = await startMoto();
try {
  const functionsDir = await writeFunctionZips();
  const s = await synthStack({ target: "localstack", endpointUrl: moto.url, functionsDir, stateDir: "/tmp/zz-state" }, { outdir: "/tmp/zz-out" });
  console.log("synth", s.durationMs);
  const t0 = Date.now();
  const tf = new Terraform({ dir: s.dir, onLine: (l) => console.log("|", l) });
  await tf.init(); console.log("init", Date.now() - t0);
  const t1 = Date.now();
  await tf.apply(); console.log("apply", Date.now() - t1);
  console.log(await tf.outputValues());
  const t2 = Date.now();
  console.log(await tf.plan(), Date.now() - t2);
  const t3 = Date.now();
  await tf.destroy(); console.log("destroy", Date.now() - t3);
} catch (e) { console.log("ERR", e); } finally { await moto.stop(); }
