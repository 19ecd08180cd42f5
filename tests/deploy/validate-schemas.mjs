// Validates every object of rendered manifests against the Kubernetes OpenAPI schemas shipped by
// the npm package kubernetes-models (offline; no cluster needed).
//
//   node validate-schemas.mjs rendered.yaml [more.yaml ...]
//
// One line per invalid object, exit 1 if any (an unknown apiVersion/kind counts as invalid: a
// typo there would otherwise pass silently). kubernetes-models does not flag unknown fields.
import { readFileSync } from 'node:fs';
import { loadManifests } from './k8s-policy.mjs';

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let module;
  try {
    module = await import(modulePath);
  } catch {
    return null;
  }
  const model = module[kind];
  return typeof model === 'function' ? model : null;
}

// kustomize folds long base64 values of generated Secrets over several lines. The API server
// decodes them with Go's base64, which skips newlines; the schema's "byte" format does not, so
// compare like the server does.
function asDecodedByServer(obj) {
  if (obj.kind !== 'Secret' || !obj.data) return obj;
  const data = Object.fromEntries(
    Object.entries(obj.data).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, '')]),
  );
  return { ...obj, data };
}

async function main(files) {
  if (files.length === 0) {
    console.error('usage: node validate-schemas.mjs rendered.yaml [more.yaml ...]');
    return 2;
  }
  let checked = 0;
  let invalid = 0;
  for (const file of files) {
    for (const obj of loadManifests(readFileSync(file, 'utf8'), file)) {
      const name = `${file}: ${obj.kind} ${obj.metadata?.name}`;
      const Model = await modelFor(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
      checked += 1;
      if (!Model) {
        console.log(`schema: ${name}: unknown apiVersion/kind ${obj.apiVersion}/${obj.kind}`);
        invalid += 1;
        continue;
      }
      try {
        new Model(asDecodedByServer(obj)).validate();
      } catch (error) {
        console.log(`schema: ${name}: ${error.message}`);
        invalid += 1;
      }
    }
  }
  if (checked === 0) {
    console.log('schema: no objects found');
    return 1;
  }
  if (invalid > 0) return 1;
  console.log(`schema: ok (${checked} objects in ${files.length} file(s))`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
