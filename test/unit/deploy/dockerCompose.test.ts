import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PUBLIC_DEFAULTS } from '../../../src/config/publicDefaults.js';
import { parseDatabaseUrl } from '../../../src/storage/databaseUrl.js';
import { searchAttributeKeys } from '../../../src/temporal/searchAttributes.js';

const root = join(import.meta.dirname, '../../..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const deployDoc = readFileSync(join(root, 'docs/DEPLOY.md'), 'utf8');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const clusterScript = readFileSync(join(root, 'scripts/cluster.sh'), 'utf8');
const ensureServerScript = readFileSync(join(root, 'scripts/ensure-temporal-server.sh'), 'utf8');
const registerScript = readFileSync(join(root, 'deploy/temporal/register.sh'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  volumes?: string[];
  environment?: Record<string, string | number>;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

describe('docker-compose.yml', () => {
  it('parses as YAML and has every service docs/DEPLOY.md names', () => {
    // The services table is the doc's first; later tables name secrets and store tables.
    const servicesTable = deployDoc.slice(0, deployDoc.indexOf('## Secrets and settings'));
    const documented = [...servicesTable.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(
      expect.arrayContaining([
        'postgresql',
        'cmc-database',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'worker',
        'webhooks',
        'simulator',
      ]),
    );
    for (const name of documented) expect(Object.keys(services), name).toContain(name);
  });

  it('keeps the simulator behind the "simulator" profile and everything else on by default', () => {
    expect(services.simulator?.profiles).toEqual(['simulator']);
    for (const [name, service] of Object.entries(services))
      if (name !== 'simulator') expect(service.profiles, name).toBeUndefined();
  });

  it('registers every search attribute of src/temporal/searchAttributes.ts in the setup job', () => {
    const setup = services['temporal-setup'];
    const types: Record<number | string, string> = { KEYWORD: 'Keyword', INT: 'Int' };
    const registered = String(setup?.environment?.SEARCH_ATTRIBUTES).split(' ');
    expect(registered.sort()).toEqual(
      searchAttributeKeys.map((key) => `${key.name}=${types[key.type]}`).sort(),
    );
    expect(JSON.stringify(setup?.entrypoint)).toContain('/etc/cmc-temporal/register.sh');
    expect(registerScript).toContain('operator search-attribute create');
    expect(registerScript).toContain('operator namespace create');
    expect(setup?.depends_on?.temporal).toBeDefined();
    // The schema job runs before the server, the app after the setup job.
    expect(services.temporal?.depends_on?.['temporal-schema']?.condition).toBe(
      'service_completed_successfully',
    );
    expect(services.worker?.depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
    expect(services.postgresql?.image).toMatch(/^postgres:/);
    expect(services.temporal?.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
  });

  it('runs what scripts/cluster.sh proves: versions, schema and setup scripts, shards, dynamic config', () => {
    const pinned = (name: string, script: string) => new RegExp(`${name}="v([0-9.]+)"`).exec(script)?.[1];
    const server = pinned('SERVER_VERSION', ensureServerScript);
    expect(server).toBeDefined();
    expect(services.temporal?.image).toContain(`:-${server}}`);
    expect(services['temporal-schema']?.image).toContain(`:-${server}}`);
    expect(services['temporal-setup']?.image).toContain(`:-${server}}`);
    expect(services['temporal-ui']?.image).toContain(`:-${pinned('UI_SERVER_VERSION', ensureServerScript)}}`);
    expect(services.postgresql?.image).toBe('postgres:15');
    // The same files: the compose jobs mount deploy/temporal, the script runs them from there.
    for (const name of ['temporal-schema', 'temporal-setup', 'temporal']) {
      expect(services[name]?.volumes, name).toContain('./deploy/temporal:/etc/cmc-temporal:ro');
    }
    expect(JSON.stringify(services['temporal-schema']?.entrypoint)).toContain(
      '/etc/cmc-temporal/setup-schema.sh',
    );
    expect(clusterScript).toContain('deploy/temporal/setup-schema.sh');
    expect(clusterScript).toContain('deploy/temporal/register.sh');
    expect(services.temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe(
      '/etc/cmc-temporal/dynamicconfig.yaml',
    );
    expect(clusterScript).toContain('DYNAMIC_CONFIG_FILE_PATH="$root/deploy/temporal/dynamicconfig.yaml"');
    const shards = /CLUSTER_HISTORY_SHARDS="\$\{CLUSTER_HISTORY_SHARDS:-([0-9]+)\}"/.exec(clusterScript)?.[1];
    expect(String(services.temporal?.environment?.NUM_HISTORY_SHARDS)).toBe(shards);
    expect(services.temporal?.environment?.DB).toBe('postgres12');
  });

  it('builds the worker and the webhook receiver from the repo Dockerfile', () => {
    expect(services.worker?.build).toBe('.');
    expect(services.worker?.command).toEqual(['worker']);
    expect(services.webhooks?.build).toBe('.');
    expect(services.webhooks?.command?.[0]).toBe('webhooks');
    expect(dockerfile).toMatch(/^FROM node:20-slim/m);
    expect(dockerfile).toContain('RUN npm ci');
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/cli.js"]');
    expect(dockerfile).toContain('CMD ["worker"]');
  });

  it('writes no secret: every secret-like variable is a required VAR:? reference', () => {
    let checked = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (!/KEY|SECRET|PASSWORD|PWD|TOKEN/.test(variable)) continue;
        checked += 1;
        expect(String(value), `${name}.${variable}`).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    // None of the local defaults (src/config/env.ts), nor anything that looks like a key.
    for (const literal of [...Object.values(PUBLIC_DEFAULTS), 'whsec_', 'sk_live', 'sk_test'])
      expect(composeText).not.toContain(literal);
    expect(composeText).not.toMatch(/^\s*[A-Z_]*(PASSWORD|PWD|SECRET|KEY):\s*[^$\s]/m);
  });

  it('publishes Temporal, its UI and the simulator on 127.0.0.1 only; the receiver is the one public port', () => {
    for (const name of ['temporal', 'temporal-ui', 'simulator']) {
      const ports = services[name]?.ports ?? [];
      expect(ports.length, name).toBeGreaterThan(0);
      for (const port of ports) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    for (const [name, service] of Object.entries(services)) {
      if (['temporal', 'temporal-ui', 'simulator', 'webhooks'].includes(name)) continue;
      expect(service.ports, name).toBeUndefined();
    }
    expect(services.webhooks?.ports).toEqual(['4020:4020']);
    // cmc webhooks binds loopback by default; inside its container it must listen on all interfaces.
    expect(services.webhooks?.command).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
  });

  /**
   * The secrets each service is given, as the DEPLOY.md table "Secrets by service" lists
   * them: by name, or by value when a variable carries one inside (a database URL).
   */
  const secretsIn = (service: Service | undefined) =>
    Object.entries(service?.environment ?? {})
      .filter(
        ([variable, value]) =>
          /KEY|SECRET|PASSWORD|PWD|TOKEN/.test(variable) || /\$\{[A-Z_]*PASSWORD/.test(String(value)),
      )
      .map(([variable]) => variable)
      .sort();

  it('gives each service only the secrets it needs, as docs/DEPLOY.md lists them', () => {
    expect(secretsIn(services.worker)).toEqual([
      'CALLMYCALL_API_KEY',
      'CMC_CODEC_KEYS',
      'CMC_DATABASE_URL',
      'CMC_ROW_KEY_SECRET',
    ]);
    expect(secretsIn(services.webhooks)).toEqual(['CALLMYCALL_WEBHOOK_SECRET', 'CMC_CODEC_KEYS']);
    // Both write Temporal payloads, so both encrypt them, with the same keys.
    expect(services.worker?.environment?.CMC_CODEC_KEYS).toBe(services.webhooks?.environment?.CMC_CODEC_KEYS);
    expect(secretsIn(services.simulator)).toEqual(['CALLMYCALL_WEBHOOK_SECRET', 'SIM_API_KEY']);
    expect(secretsIn(services['temporal-ui'])).toEqual([]);
    expect(secretsIn(services['temporal-setup'])).toEqual([]);
    // Both app services know which API they talk to, so their start-up check can tell a real one.
    expect(services.worker?.environment?.CALLMYCALL_BASE_URL).toBeDefined();
    expect(services.webhooks?.environment?.CALLMYCALL_BASE_URL).toBeDefined();
    const section = deployDoc.slice(deployDoc.indexOf('### Secrets by service'));
    expect(section.length).toBeLessThan(deployDoc.length);
    expect(secretsIn(services['cmc-database'])).toEqual(['PGPASSWORD']);
    for (const name of [
      'worker',
      'webhooks',
      'simulator',
      'postgresql',
      'cmc-database',
      'temporal-schema',
      'temporal',
    ])
      expect(documentedSecretsIn(section, name), name).toEqual(secretsIn(services[name]));
  });

  it('points the worker at the campaign store: database cmc in the compose PostgreSQL, created by a one-shot job', () => {
    const url = String(services.worker?.environment?.CMC_DATABASE_URL);
    // The password is the required POSTGRES_PASSWORD reference, never written in the file.
    expect(url).toMatch(
      /^postgres:\/\/\$\{POSTGRES_USER:-temporal\}:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgresql:5432\/cmc$/,
    );
    // As compose hands it to the worker, it is a URL the store opens as PostgreSQL.
    const resolved = url
      .replace(/\$\{POSTGRES_USER:-([^}]+)\}/, '$1')
      .replace(/\$\{POSTGRES_PASSWORD:\?[^}]+\}/, 'pw');
    expect(parseDatabaseUrl(resolved, '/data')).toEqual({
      kind: 'postgres',
      url: 'postgres://temporal:pw@postgresql:5432/cmc',
    });
    expect(services.worker?.depends_on?.['cmc-database']?.condition).toBe('service_completed_successfully');

    // Temporal's schema job creates only its own databases; this job creates `cmc`, once.
    const job = services['cmc-database'];
    expect(job?.image).toBe(services.postgresql?.image);
    expect(job?.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(job?.environment).toMatchObject({
      PGHOST: 'postgresql',
      PGUSER: expect.stringMatching(/^\$\{POSTGRES_USER:-temporal\}$/),
    });
    const script = JSON.stringify(job?.command);
    expect(script).toContain("SELECT 1 FROM pg_database WHERE datname = 'cmc'");
    expect(script).toContain('CREATE DATABASE cmc');
    expect((job as { restart?: string } | undefined)?.restart).toBe('no');

    // Only the worker opens the store (cmc run/report/purge run in its container); the
    // receiver and the simulator never do, so they get no database password.
    for (const [name, service] of Object.entries(services))
      if (name !== 'worker') expect(service.environment?.CMC_DATABASE_URL, name).toBeUndefined();
  });

  it('docs/DEPLOY.md says what lives where: Temporal payloads, every store table, reports, retention', () => {
    const section = deployDoc.slice(deployDoc.indexOf('## What lives where'));
    expect(section.length).toBeLessThan(deployDoc.length);
    for (const table of ['campaigns', 'campaign_rows', 'attempts', 'row_results'])
      expect(section, table).toMatch(new RegExp(`^\\| \`${table}\` \\|`, 'm'));
    // What Temporal history still carries, by the names in src/workflows/callWorkflow.ts.
    for (const name of ['callEvent', 'getCallStatus', 'recordRowResult', 'TEMPORAL_RETENTION', 'cmc purge'])
      expect(section, name).toContain(name);
    expect(section).toContain('recordings/');
  });

  function documentedSecretsIn(section: string, name: string): string[] {
    const row = section.match(new RegExp(`^\\| \`${name}\` \\| ([^|]*) \\|`, 'm'));
    expect(row, `a "Secrets by service" row for ${name}`).not.toBeNull();
    return [...(row?.[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? '').sort();
  }
});
