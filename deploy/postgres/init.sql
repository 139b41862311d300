-- Xuncha: database roles and schemas for the distributed deployment.
--
-- Each service owns one schema and connects as its own LOGIN role that owns that schema
-- and nothing else. No role is granted anything on another service's schema, so "a service
-- never reads or writes another service's schema" is enforced by PostgreSQL. Each service
-- runs its own migrations, as its own role, when it starts (python -m xuncha.serve).
--
-- How it runs:
--   * docker compose: mounted into /docker-entrypoint-initdb.d/, run once by the postgres
--     image (psql, as the superuser, connected to $POSTGRES_DB) when the volume is empty.
--   * by hand:  psql -v ON_ERROR_STOP=1 -d xuncha -f deploy/postgres/init.sql \
--                    -v planning_password=... -v findings_password=... (etc.)
--   * from Python (tests, tooling): xuncha.dbinit.apply_init_sql() runs the part below the
--     "portable" marker over asyncpg, after setting the same session settings.
--
-- Passwords, per service: the psql variable <service>_password wins; else the environment
-- variable XUNCHA_<SERVICE>_DB_PASSWORD (read by psql's \getenv); else the development
-- default '<service>-dev'. Set real passwords for anything that is not a laptop.
-- Role names are the service names; the optional psql variable role_suffix (default
-- empty) appends a suffix, so tests sharing one PostgreSQL cluster cannot clash (roles
-- are cluster-wide). Schema names never change.
--
-- The bus schema: in the embedded platform the PostgreSQL bus keeps its log in a schema
-- named "bus". The distributed deployment uses Kafka (BUS_BACKEND=kafka), so no "bus"
-- schema is created here and no service role may create one.
--
-- Idempotent: running it again updates passwords and changes nothing else.

\set ON_ERROR_STOP on

\if :{?role_suffix}
\else
\set role_suffix ''
\endif

\if :{?planning_password}
\else
\getenv planning_password XUNCHA_PLANNING_DB_PASSWORD
\endif
\if :{?findings_password}
\else
\getenv findings_password XUNCHA_FINDINGS_DB_PASSWORD
\endif
\if :{?clues_password}
\else
\getenv clues_password XUNCHA_CLUES_DB_PASSWORD
\endif
\if :{?rectification_password}
\else
\getenv rectification_password XUNCHA_RECTIFICATION_DB_PASSWORD
\endif
\if :{?notify_password}
\else
\getenv notify_password XUNCHA_NOTIFY_DB_PASSWORD
\endif
\if :{?accounts_password}
\else
\getenv accounts_password XUNCHA_ACCOUNTS_DB_PASSWORD
\endif

-- Unset means "use the development default" (an empty value means the same).
\if :{?planning_password}
\else
\set planning_password ''
\endif
\if :{?findings_password}
\else
\set findings_password ''
\endif
\if :{?clues_password}
\else
\set clues_password ''
\endif
\if :{?rectification_password}
\else
\set rectification_password ''
\endif
\if :{?notify_password}
\else
\set notify_password ''
\endif
\if :{?accounts_password}
\else
\set accounts_password ''
\endif

-- Hand the psql variables to the portable part as session settings (SET prints no values,
-- so no password reaches the container log; nothing outlives this session).
SET xuncha.role_suffix = :'role_suffix';
SET xuncha.password_planning = :'planning_password';
SET xuncha.password_findings = :'findings_password';
SET xuncha.password_clues = :'clues_password';
SET xuncha.password_rectification = :'rectification_password';
SET xuncha.password_notify = :'notify_password';
SET xuncha.password_accounts = :'accounts_password';

-- xuncha:portable-sql-begin
-- Plain SQL from here on (no psql meta-commands): xuncha.dbinit runs it as it stands.

-- Nobody creates objects in schema public (the default since PostgreSQL 15; explicit for
-- clusters upgraded from older versions).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Only the service roles (and the superuser) connect to this database.
DO $revoke$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END
$revoke$;

DO $xuncha_init$
DECLARE
    service   text;
    role_name text;
    pw        text;
    suffix    text := coalesce(current_setting('xuncha.role_suffix', true), '');
BEGIN
    IF suffix !~ '^[a-z0-9_]*$' THEN
        RAISE EXCEPTION 'role_suffix must match [a-z0-9_]*, got %', suffix;
    END IF;
    FOREACH service IN ARRAY ARRAY['planning', 'findings', 'clues', 'rectification', 'notify',
                                 'accounts']
    LOOP
        role_name := service || suffix;
        pw := coalesce(nullif(current_setting('xuncha.password_' || service, true), ''),
                       service || '-dev');

        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L', role_name, pw);
        ELSE
            EXECUTE format(
                'CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT '
                'NOREPLICATION NOBYPASSRLS PASSWORD %L',
                role_name, pw);
        END IF;

        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);

        -- The service's schema, owned by its role: the role creates, alters, reads and
        -- writes everything in it (its migrations run as this role) and nothing elsewhere.
        IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = service) THEN
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', service, role_name);
        ELSE
            EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', service, role_name);
        END IF;
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', service);
    END LOOP;
END
$xuncha_init$;
