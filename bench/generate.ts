/** A realistic Dockerfile of about `lines` lines: several stages, every common instruction, continuations. */
export function generateDockerfile(lines: number): string {
  const out: string[] = ['# syntax=docker/dockerfile:1', 'ARG BASE=debian:12-slim'];
  let stage = 0;
  while (out.length < lines) {
    out.push(`FROM \${BASE} AS stage${stage}`);
    out.push('WORKDIR /app', 'ENV APP_ENV=production PORT=8080', 'ARG VERSION=1.0.0');
    out.push(
      'RUN apt-get update \\',
      '    && apt-get install -y --no-install-recommends curl ca-certificates \\',
      '    && rm -rf /var/lib/apt/lists/*',
    );
    out.push('COPY package.json package-lock.json ./', 'RUN npm ci', 'COPY --chown=app:app . .');
    if (stage > 0) out.push(`COPY --from=stage${stage - 1} /app/dist ./dist`);
    out.push('LABEL org.opencontainers.image.version=$VERSION', 'EXPOSE 8080/tcp', 'USER app');
    out.push(
      'HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:8080/ || exit 1',
      'CMD ["node", "dist/server.js"]',
    );
    stage++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}
