import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';

const DEPLOY = 'deploy';
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'rbac.authorization.k8s.io/v1 Role': Role,
  'rbac.authorization.k8s.io/v1 RoleBinding': RoleBinding,
  'v1 Namespace': Namespace,
  'v1 ServiceAccount': ServiceAccount,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Service': Service,
  'v1 Secret': Secret,
  'v1 ConfigMap': ConfigMap,
};

const manifests = readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects = manifests.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((doc) => ({ file, object: doc.toJS() })),
);
const find = (kind: string) => objects.find((o) => o.object.kind === kind)?.object;

describe('deploy/ manifests', () => {
  it('are all valid against the Kubernetes schemas', () => {
    assert.ok(objects.length >= 8);
    for (const { file, object } of objects) {
      const model = MODELS[`${object.apiVersion} ${object.kind}`];
      assert.ok(model, `${file}: no schema for ${object.apiVersion} ${object.kind}`);
      assert.doesNotThrow(
        () => new model(object as never).validate(),
        `${file} is not a valid ${object.kind}`,
      );
    }
  });

  it('are all listed in the kustomization (except the Secret example, which has no values)', () => {
    const kustomization = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8'));
    const listed = new Set(kustomization.resources);
    for (const file of manifests) {
      if (file === 'secret.example.yaml') assert.ok(!listed.has(file));
      else assert.ok(listed.has(file), `${file} is not in deploy/kustomization.yaml`);
    }
    assert.ok(listed.has('templates'));
  });

  it('grant only what the bot needs', () => {
    const rules = find('Role').rules.map((r: { resources: string[]; verbs: string[] }) => ({
      resources: r.resources.join(','),
      verbs: [...r.verbs].sort().join(','),
    }));
    assert.deepEqual(rules, [
      { resources: 'jobs', verbs: 'create,deletecollection,get,list,watch' },
      { resources: 'pods', verbs: 'list,watch' },
      { resources: 'pods/log', verbs: 'get' },
    ]);
  });

  it('run one non-root, read-only bot with probes and its data on the volume claim', () => {
    const deployment = find('Deployment');
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(deployment.spec.strategy.type, 'Recreate');
    const pod = deployment.spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const [container] = pod.containers;
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.ok(container.resources.requests && container.resources.limits);
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );
    const mounts = Object.fromEntries(
      container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]),
    );
    assert.equal(mounts.data, env.TRAINYARD_DATA);
    assert.equal(mounts.templates, env.TRAINYARD_TEMPLATES);
    const volumes = Object.fromEntries(pod.volumes.map((v: { name: string }) => [v.name, v]));
    assert.equal(volumes.data.persistentVolumeClaim.claimName, find('PersistentVolumeClaim').metadata.name);
    assert.equal(volumes.templates.configMap.name, 'trainyard-templates');
  });

  it('generate the templates ConfigMap from copies of templates that exist in manifests/', () => {
    const generator = parse(readFileSync(join(DEPLOY, 'templates', 'kustomization.yaml'), 'utf8'));
    const files: string[] = generator.configMapGenerator[0].files;
    assert.equal(generator.configMapGenerator[0].name, 'trainyard-templates');
    assert.ok(files.length > 0);
    for (const file of files) {
      const copy = parse(readFileSync(join(DEPLOY, 'templates', file), 'utf8'));
      assert.equal(typeof copy.image, 'string', `${file} names no image`);
      assert.ok(readdirSync('manifests').includes(file), `${file} is not a template in manifests/`);
    }
  });

  it('keep the example Secret free of values', () => {
    const secret = find('Secret');
    for (const value of Object.values(secret.stringData ?? {})) assert.equal(value, '');
    assert.equal(secret.data, undefined);
  });

  it('build with kustomize into valid objects in one namespace (when kubectl is installed)', (t) => {
    const built = spawnSync('kubectl', ['kustomize', DEPLOY], { encoding: 'utf8' });
    if (built.error) {
      t.skip('kubectl is not installed');
      return;
    }
    assert.equal(built.status, 0, built.stderr);
    const docs = parseAllDocuments(built.stdout).map((d) => d.toJS());
    for (const object of docs) {
      const model = MODELS[`${object.apiVersion} ${object.kind}`];
      assert.ok(model, `no schema for ${object.apiVersion} ${object.kind}`);
      new model(object as never).validate();
      if (object.kind !== 'Namespace') assert.equal(object.metadata.namespace, 'trainyard');
    }
    const configMap = docs.find((d) => d.kind === 'ConfigMap');
    const deployment = docs.find((d) => d.kind === 'Deployment');
    const volume = deployment.spec.template.spec.volumes.find(
      (v: { name: string }) => v.name === 'templates',
    );
    assert.match(configMap.metadata.name, /^trainyard-templates-/);
    assert.equal(volume.configMap.name, configMap.metadata.name);
  });

  it('offer an artifacts claim as a component that also mounts it into the bot’s pod (when kubectl is installed)', (t) => {
    const pvc = parse(readFileSync(join(DEPLOY, 'artifacts', 'pvc.yaml'), 'utf8'));
    new PersistentVolumeClaim(pvc).validate();
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
    const kustomization = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8'));
    assert.equal(kustomization.components, undefined, 'an option: off unless you add it');
    // Turned on as the README says: `components: [artifacts]` in deploy/kustomization.yaml.
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-kustomize-'));
    try {
      cpSync(DEPLOY, join(dir, 'deploy'), { recursive: true });
      const file = join(dir, 'deploy', 'kustomization.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}components:\n  - artifacts\n`);
      const built = spawnSync('kubectl', ['kustomize', join(dir, 'deploy')], { encoding: 'utf8' });
      if (built.error) {
        t.skip('kubectl is not installed');
        return;
      }
      assert.equal(built.status, 0, built.stderr);
      const docs = parseAllDocuments(built.stdout).map((d) => d.toJS());
      for (const object of docs)
        new MODELS[`${object.apiVersion} ${object.kind}`](object as never).validate();
      const claim = docs.find(
        (d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === 'trainyard-artifacts',
      );
      assert.equal(claim?.metadata.namespace, 'trainyard');
      const pod = docs.find((d) => d.kind === 'Deployment').spec.template.spec;
      const [container] = pod.containers;
      const env = Object.fromEntries(
        container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
      );
      assert.equal(env.TRAINYARD_ARTIFACTS_CLAIM, 'trainyard-artifacts');
      // Where the bot lists artifacts: TRAINYARD_DATA/artifacts.
      assert.deepEqual(
        container.volumeMounts.find((m: { name: string }) => m.name === 'artifacts'),
        { name: 'artifacts', mountPath: `${env.TRAINYARD_DATA}/artifacts`, readOnly: true },
      );
      const volume = pod.volumes.find((v: { name: string }) => v.name === 'artifacts');
      assert.equal(volume.persistentVolumeClaim.claimName, 'trainyard-artifacts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
