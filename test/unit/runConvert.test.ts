import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { composeServiceToDockerRun, composeText, dockerRunToCompose } from '../../src/docker/runConvert';
import { composeDiagnostics } from '../../src/language/compose/composeService';

const service = (cmd: string) => {
  const r = dockerRunToCompose(cmd);
  return { ...r, yaml: parse(composeText(r)) };
};

describe('docker run → compose', () => {
  it("converts the notes' commands: --name, -e, -d, -p, --network host", () => {
    const a = service(
      '$ docker run --name insta-training-db -e POSTGRES_PASSWORD=insta-training -p 5432:5432 -d postgres',
    );
    assert.deepEqual(a.yaml, {
      services: {
        'insta-training-db': {
          image: 'postgres',
          container_name: 'insta-training-db',
          environment: ['POSTGRES_PASSWORD=insta-training'],
          ports: ['5432:5432'],
        },
      },
    });
    const b = service(
      'docker run --name insta-training-db -e POSTGRES_PASSWORD=insta-training --network host -d postgres',
    );
    assert.equal(b.yaml.services['insta-training-db'].network_mode, 'host');
    assert.deepEqual(service('docker run -d -p 27018:27017 mongo').yaml, {
      services: { mongo: { image: 'mongo', ports: ['27018:27017'] } },
    });
    const c = service(
      'docker run -p 3000:3000 ' +
        '-e DATABASE_URL="postgres://USER:PASSWORD@db.example.com:5432/defaultdb?sslmode=require" image_name',
    );
    assert.deepEqual(c.yaml.services.image_name.environment, [
      'DATABASE_URL=postgres://USER:PASSWORD@db.example.com:5432/defaultdb?sslmode=require',
    ]);
    assert.ok(
      composeDiagnostics(composeText(c)).some((d) => d.code === 'CS011'),
      'and the credentials in the URL are flagged in the result',
    );
  });

  it('converts every flag of the guided run: env file, volumes, networks, restart, health, workdir, user, entrypoint, command', () => {
    const r = service(
      'docker container run -it --rm --name api --env-file ./api.env -v data:/var/lib/api ' +
        '-v "$PWD/conf":/etc/api:ro --network shop --restart unless-stopped \\\n' +
        '       --health-cmd "wget -qO- http://localhost:8080/health || exit 1" --health-interval 30s ' +
        '--health-timeout 3s --health-retries 3 --health-start-period=5s \\\n' +
        '       -w /srv -u 1000:1000 --entrypoint /docker-entrypoint.sh --frobnicate=yes -l team=web acme/api:1.4 ' +
        'serve --port 8080',
    );
    assert.deepEqual(r.yaml.services.api, {
      image: 'acme/api:1.4',
      stdin_open: true,
      tty: true,
      container_name: 'api',
      env_file: ['./api.env'],
      volumes: ['data:/var/lib/api', '$PWD/conf:/etc/api:ro'],
      networks: ['shop'],
      restart: 'unless-stopped',
      healthcheck: {
        test: ['CMD-SHELL', 'wget -qO- http://localhost:8080/health || exit 1'],
        interval: '30s',
        timeout: '3s',
        retries: 3,
        start_period: '5s',
      },
      working_dir: '/srv',
      user: '1000:1000',
      entrypoint: ['/docker-entrypoint.sh'],
      labels: ['team=web'],
      command: ['serve', '--port', '8080'],
    });
    assert.deepEqual(r.yaml.volumes, { data: null });
    assert.deepEqual(r.yaml.networks, { shop: { external: true } });
    assert.deepEqual(r.notConverted, [
      '--rm (Compose keeps containers until "docker compose down"; there is no per-service equivalent)',
      '--frobnicate=yes (not a flag Dockside converts)',
    ]);
    assert.match(composeText(r), /^# Not converted: --rm/);
  });

  it('handles grouped short flags with a value, and says what is wrong with a bad command', () => {
    assert.deepEqual(service('docker run -dp 8080:80 nginx:1.27').yaml.services.nginx.ports, ['8080:80']);
    assert.throws(() => dockerRunToCompose('docker ps -a'), /not a "docker run" command/);
    assert.throws(() => dockerRunToCompose('docker run -d'), /names no image/);
    assert.throws(() => dockerRunToCompose('docker run --name'), /--name needs a value/);
  });
});

describe('compose service → docker run', () => {
  const text = [
    'services:',
    '  pgadmin:',
    '    image: dpage/pgadmin4:8',
    '    container_name: pgadmin',
    '    environment:',
    '      PGADMIN_DEFAULT_EMAIL: admin@example.com',
    '    ports:',
    '      - "127.0.0.1:5050:80"',
    '    volumes: [pgadmin:/var/lib/pgadmin]',
    '    networks: [postgres]',
    '    restart: unless-stopped',
    '    depends_on: [postgres]',
    '    command: ["--debug", "it\'s"]',
    '',
  ].join('\n');

  it('writes the equivalent command and lists what docker run cannot express', () => {
    const r = composeServiceToDockerRun(text, 'pgadmin');
    assert.equal(
      r.command,
      'docker run -d --name pgadmin -e PGADMIN_DEFAULT_EMAIL=admin@example.com -p 127.0.0.1:5050:80 ' +
        "-v pgadmin:/var/lib/pgadmin --network postgres --restart unless-stopped dpage/pgadmin4:8 --debug 'it'\\''s'",
    );
    assert.deepEqual(r.notConverted, ['depends_on (start the other containers first yourself)']);
  });

  it('splits an entrypoint list: the program after --entrypoint, its arguments before the command', () => {
    const r = composeServiceToDockerRun(
      [
        'services:',
        '  app:',
        '    image: busybox:1',
        '    command: ["echo hi"]',
        '    entrypoint: ["sh", "-c"]',
        '',
      ].join('\n'),
      'app',
    );
    assert.equal(r.command, "docker run -d --entrypoint sh busybox:1 -c 'echo hi'");
    const s = composeServiceToDockerRun(
      ['services:', '  app:', '    image: busybox:1', '    entrypoint: /bin/tini -- run.sh', ''].join('\n'),
      'app',
    );
    assert.equal(s.command, 'docker run -d --entrypoint /bin/tini busybox:1 -- run.sh');
  });

  it('passes a variable with no value on from the host (-e NAME), and quotes words zsh would expand', () => {
    const r = composeServiceToDockerRun(
      [
        'services:',
        '  app:',
        '    image: busybox:1',
        '    environment:',
        '      TOKEN:',
        '      MODE: prod',
        '    command: ["=ls", "a=b"]',
        '',
      ].join('\n'),
      'app',
    );
    assert.equal(r.command, "docker run -d -e TOKEN -e MODE=prod busybox:1 '=ls' a=b");
  });

  it('round-trips: run → compose → run keeps the flags', () => {
    const original =
      'docker run -d --name web -p 8080:80 -e MODE=prod -v site:/usr/share/nginx/html:ro --restart always nginx:1.27';
    const back = composeServiceToDockerRun(composeText(dockerRunToCompose(original)), 'web');
    assert.equal(back.command, original);
  });
});
