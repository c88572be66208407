/** Dockside's own words for compose keys, from the notes and the Compose Specification. */
export const SERVICE_KEYS: Readonly<Record<string, string>> = {
  image: 'The image to run, `name:tag`. Pin a tag: without one Compose pulls `latest`, which moves.',
  build: 'Builds the image from a Dockerfile: a folder (the build context), or `context:` and `dockerfile:`.',
  container_name:
    'A fixed container name instead of `<project>-<service>-1`. It stops you from scaling the service to more ' +
    'than one replica.',
  ports:
    'Publishes container ports on the host: `"HOST:CONTAINER"`, optionally `IP:` first and `/udp` after. Quote them.',
  expose: 'Documents container ports for other services; publishes nothing on the host.',
  environment:
    'Environment variables for the container, as a map or a `KEY=value` list. Keep secrets out: use `env_file` or ' +
    '`secrets`.',
  env_file:
    'Reads environment variables from files (`KEY=value` lines). Keep those files out of version control when ' +
    'they hold secrets.',
  volumes:
    'Mounts into the container: `name:/path` is a named volume (declare it at the top level), `./dir:/path` a ' +
    'bind mount of a host folder; add `:ro` for read-only.',
  networks: 'The networks this service joins; on a shared network, services reach each other by service name.',
  depends_on:
    'Start order: the listed services start first. It does not wait until they are ready unless you write ' +
    '`condition: service_healthy` and they have a health check.',
  restart:
    'What Docker does when the container stops: `no` (default), `always`, `on-failure[:N]`, or `unless-stopped` ' +
    '(always, unless you stopped it).',
  healthcheck:
    'How Docker tests that the container works: `test`, `interval`, `timeout`, `retries`, `start_period` ' +
    '(durations such as `10s`).',
  command: "Replaces the image's CMD.",
  entrypoint: "Replaces the image's ENTRYPOINT, and drops the image's CMD too: give arguments with `command:`.",
  working_dir: "Replaces the image's WORKDIR.",
  user: 'The user (name or UID[:GID]) the process runs as.',
  links: 'Legacy: services on a shared network already reach each other by name.',
  secrets: 'Secrets (declared at the top level) mounted as files under `/run/secrets/`.',
  configs: 'Configuration files (declared at the top level) mounted into the container.',
  deploy: 'Replicas, resources and update settings.',
  extends: "Reuses another service's settings, from this file or another.",
  profiles: 'The service starts only when one of these profiles is enabled (`docker compose --profile`).',
  annotations: 'Metadata attached to the container, like labels but for the runtime.',
  attach: "Whether `docker compose up` shows this service's output (default true).",
  blkio_config: 'Limits on block-device reads and writes (weights and rates per device).',
  cap_add: "Linux capabilities added to the container's process (grant only what it needs).",
  cap_drop: "Linux capabilities taken away from the container's process (`ALL` drops every one).",
  cgroup: "Whether the container gets its own cgroup namespace (`private`) or shares the host's (`host`).",
  cgroup_parent: 'The parent cgroup the container is placed under.',
  cpu_count: 'How many CPUs the container may use (Windows).',
  cpu_percent: 'The share of the CPUs the container may use, in percent (Windows).',
  cpu_shares: 'A relative CPU weight against other containers when the CPU is busy (default 1024).',
  cpu_quota: 'CPU time the container may use per period, in microseconds.',
  cpu_period: 'The CPU scheduling period, in microseconds, that cpu_quota is counted against.',
  cpu_rt_period: 'The real-time scheduling period for the container.',
  cpu_rt_runtime: 'Real-time CPU time the container may use per period.',
  cpus: 'How many CPUs the container may use; fractions such as `0.5` are allowed.',
  cpuset: 'Which CPUs the container may run on (`0-3`, `0,2`).',
  credential_spec: 'The credentials a Windows container uses for its managed service account.',
  develop: 'Settings for `docker compose watch`: which host files sync into the container or trigger a rebuild.',
  device_cgroup_rules: 'Rules that let the container use devices by major/minor number.',
  devices: 'Host devices made available in the container (`/dev/ttyUSB0:/dev/ttyUSB0`).',
  dns: 'DNS servers the container uses instead of the defaults.',
  dns_opt: "Options written to the container's resolv.conf.",
  dns_search: 'Search domains for short host names in the container.',
  domainname: "The container's domain name.",
  label_file: 'Files of `KEY=value` lines read as labels.',
  provider: 'A service provided by an external tool or plugin instead of a container.',
  external_links: 'Legacy: links to containers started outside this project.',
  extra_hosts: "Extra lines for the container's /etc/hosts (`name:IP`); `host-gateway` means the host itself.",
  gpus: 'GPUs the container may use.',
  group_add: "Extra groups the container's user belongs to.",
  hostname: "The container's host name (inside the container only; others reach it by service name).",
  init: 'Runs a tiny init process as PID 1 that forwards signals and reaps zombie processes.',
  ipc: "The IPC namespace: `shareable`, `host`, or another service's (`service:name`).",
  isolation: 'The isolation technology (Windows: `process` or `hyperv`).',
  labels: 'Metadata on the container, as a map or a `key=value` list.',
  logging:
    'The log driver and its options; `docker compose logs` needs a driver that keeps logs (the default json-file ' +
    'does).',
  mac_address: 'A fixed MAC address for the container.',
  mem_limit: 'The most memory the container may use (`512m`, `1g`); above it the kernel kills the process.',
  mem_reservation: 'A soft memory limit the container is pushed back to when the host runs short.',
  mem_swappiness: "How eagerly the kernel swaps the container's memory (0–100).",
  memswap_limit: 'Memory plus swap the container may use.',
  network_mode:
    "Without it (and without `networks:`) a service joins the project's `default` network. `host` (no isolation " +
    "and no port mapping), `none`, `bridge` (Docker's default bridge, where names do not resolve), or another " +
    "container's network (`service:name`).",
  models: 'AI models this service uses, declared under the top-level `models:`.',
  oom_kill_disable: 'Asks the kernel not to kill the container when memory runs out.',
  oom_score_adj: 'How likely the kernel is to pick this container when memory runs out (-1000 to 1000).',
  pid: "`host` shares the host's process namespace: the container sees every process.",
  pids_limit: 'The most processes the container may run (`-1` for no limit).',
  platform: 'The platform the image is for (`linux/amd64`, `linux/arm64`).',
  post_start: 'Commands run in the container right after it starts.',
  pre_stop: 'Commands run in the container before it is stopped.',
  privileged: "Gives the container almost all the host's powers. Avoid it.",
  pull_policy: 'When Compose pulls the image: `always`, `missing` (default), `never`, or `build`.',
  pull_refresh_after: 'How long a pulled image is kept before Compose pulls it again.',
  read_only: "Mounts the container's filesystem read-only; writes go to volumes or tmpfs only.",
  runtime: 'The container runtime to use instead of the default (`runc`).',
  scale: 'How many containers of this service to run (prefer `deploy.replicas`).',
  security_opt: 'Security options such as `no-new-privileges:true` or a seccomp or AppArmor profile.',
  shm_size: 'The size of /dev/shm in the container (`256m`).',
  sysctls: "Kernel parameters set inside the container's namespaces.",
  stdin_open: 'Keeps stdin open (`docker run -i`).',
  stop_grace_period: 'How long Docker waits after the stop signal before it kills the container (default `10s`).',
  stop_signal: 'The signal that asks the container to stop (default `SIGTERM`).',
  storage_opt: 'Storage driver options for the container.',
  tmpfs: 'Folders in the container kept in memory and lost when it stops.',
  tty: 'Gives the container a terminal (`docker run -t`).',
  ulimits: "Resource limits for the container's processes, such as open files (`nofile`).",
  use_api_socket: 'Gives the container access to the Docker Engine API (mounts the socket).',
  userns_mode: 'The user namespace; `host` turns off user-namespace remapping.',
  uts: "The UTS namespace; `host` shares the host's host name.",
  volumes_from: 'Mounts every volume of another service or container.',
};

export const TOP_KEYS: Readonly<Record<string, string>> = {
  services: 'The containers of the application, one entry per service.',
  networks: 'Networks the services use. Compose also makes a `default` network that every service joins.',
  volumes: 'Named volumes: data that outlives containers, managed by Docker.',
  secrets: 'Secrets services can mount, from a file or the environment.',
  configs: 'Configuration files services can mount.',
  version: 'Obsolete: Compose ignores it and follows the Compose Specification. Remove it.',
  name: 'The project name (the prefix of container, network and volume names).',
  include: 'Other compose files whose services, networks and volumes join this project.',
  models: 'AI models the services can use.',
};

export const DRIVERS: Readonly<Record<string, string>> = {
  bridge:
    '`bridge`: a private network on this host; containers on it reach each other by name, and reach the outside ' +
    'through NAT.',
  host: "`host`: no network isolation; the container uses the host's network directly (ports are not mapped).",
  none: '`none`: no networking at all.',
  overlay: '`overlay`: a network spanning several Docker hosts (Swarm).',
  macvlan: '`macvlan`: gives containers their own MAC address on the physical network.',
  ipvlan: "`ipvlan`: containers share the host's MAC address but get their own IP addresses.",
};
