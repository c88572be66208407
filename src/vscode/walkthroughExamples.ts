/** The files the walkthrough writes into the workspace; kept apart (no vscode import) so tests can lint them. */

export const EXAMPLE_DOCKERFILE = `# A static site served by nginx, as an unprivileged user.
# Build it, run it with -p 8080:8080, open http://localhost:8080.
FROM nginxinc/nginx-unprivileged:1.27-alpine
COPY site/ /usr/share/nginx/html/
USER nginx
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:8080/ || exit 1
`;

export const EXAMPLE_COMPOSE =
  '# The postgres + pgadmin example, with its passwords in db.env (keep that file out of git).\n' +
  `services:
  postgres:
    image: postgres:16-alpine
    env_file:
      - db.env
    environment:
      POSTGRES_USER: postgres
      PGDATA: /data/postgres
    volumes:
      - postgres:/data/postgres
    networks:
      - postgres
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      interval: 10s
      timeout: 5s
      retries: 5

  pgadmin:
    image: dpage/pgadmin4:8
    env_file:
      - db.env
    environment:
      PGADMIN_DEFAULT_EMAIL: admin@example.com
    ports:
      - "127.0.0.1:5050:80"
    networks:
      - postgres
    depends_on:
      postgres:
        condition: service_healthy
    restart: unless-stopped

networks:
  postgres:
    driver: bridge

volumes:
  postgres:
`;
