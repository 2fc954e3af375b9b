# PostgreSQL for the tests (sourced by scripts/test): a throwaway cluster on 127.0.0.1 on a
# free port, data in "$servers_dir/postgres", run by an unprivileged user (PostgreSQL refuses
# to run as root, and CI runs as root: then the system user autocapture-test runs it).
#
# Exports AUTOCAPTURE_TEST_PG_URL, a superuser's URL (password included) on the database
# "postgres"; the tests create their own databases and roles through it. The server offers
# TLS (ssl=on) with a certificate for 127.0.0.1 and localhost signed by a CA made for this
# run: AUTOCAPTURE_TEST_PG_CA_FILE is that CA (PEM), AUTOCAPTURE_TEST_PG_OTHER_CA_FILE a CA
# that signed nothing the server shows (a client trusting only it must refuse the server).
# fsync is off (throwaway data) unless postgres_fsync=on (Benchmarks/bench-team).

postgres_bindir() {
  local dir
  # Debian keeps the server programs out of PATH, one directory per major version.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null && command -v initdb >/dev/null \
    && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

postgres_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u autocapture-test -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin dir port password attempt
  bin="$(postgres_bindir)" || {
    echo "scripts/servers/postgres.sh: PostgreSQL's initdb and pg_ctl are not installed" \
      "(.ci/install-deps installs them)" >&2
    return 1
  }
  dir="$servers_dir/postgres"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id -u autocapture-test >/dev/null 2>&1 \
      || useradd --system --no-create-home --shell /usr/sbin/nologin autocapture-test
    chown autocapture-test "$dir"
    chmod 711 "$servers_dir"
  fi
  password="test-$RANDOM$RANDOM$RANDOM"
  printf '%s\n' "$password" > "$dir/pwfile"
  chmod 644 "$dir/pwfile"
  if ! postgres_run "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    echo "scripts/servers/postgres.sh: initdb failed (above)" >&2
    return 1
  fi
  rm -f "$dir/pwfile"
  make_postgres_certificates "$dir" || return 1
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    # A port that answers is taken; try another.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if postgres_run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=${postgres_fsync:-off} -c ssl=on -c ssl_cert_file='$dir/tls/server.pem' -c ssl_key_file='$dir/tls/server.key'" \
        >/dev/null; then
      export AUTOCAPTURE_TEST_PG_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres"
      export AUTOCAPTURE_TEST_PG_CTL="$bin/pg_ctl"
      export AUTOCAPTURE_TEST_PG_DATA="$dir/data"
      export AUTOCAPTURE_TEST_PG_CA_FILE="$dir/tls/ca.pem"
      export AUTOCAPTURE_TEST_PG_OTHER_CA_FILE="$dir/tls/other-ca.pem"
      echo "scripts/test: PostgreSQL on 127.0.0.1:$port" >&2
      return 0
    fi
  done
  cat "$dir/server.log" >&2 2>/dev/null
  echo "scripts/servers/postgres.sh: the PostgreSQL server did not start (log above)" >&2
  return 1
}

# A CA and a server certificate signed by it (127.0.0.1 and localhost), and a second CA,
# all made for this run with openssl; the key is the server user's alone, as PostgreSQL
# insists.
make_postgres_certificates() {
  local dir="$1/tls" days=2
  command -v openssl >/dev/null || {
    echo "scripts/servers/postgres.sh: openssl is not installed (.ci/install-deps installs it)" >&2
    return 1
  }
  mkdir -p "$dir"
  if ! {
    openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=AutoCapture test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    && openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=Some other CA" \
      -keyout "$dir/other-ca.key" -out "$dir/other-ca.pem" \
    && openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$dir/server.key" -out "$dir/server.csr" \
    && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$dir/server.ext" \
    && openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -CAcreateserial -days "$days" -extfile "$dir/server.ext" -out "$dir/server.pem"
  } >"$dir/openssl.log" 2>&1; then
    cat "$dir/openssl.log" >&2
    echo "scripts/servers/postgres.sh: could not make the TLS certificates (above)" >&2
    return 1
  fi
  rm -f "$dir/ca.key" "$dir/other-ca.key" "$dir/server.csr"
  chmod 600 "$dir/server.key"
  chmod 644 "$dir/ca.pem" "$dir/other-ca.pem" "$dir/server.pem"
  if [ "$(id -u)" -eq 0 ]; then chown -R autocapture-test "$dir"; fi
}

stop_postgres() {
  local bin
  bin="$(postgres_bindir)" || return 0
  [ -d "$servers_dir/postgres/data" ] || return 0
  postgres_run "$bin/pg_ctl" -D "$servers_dir/postgres/data" -m immediate -w stop >/dev/null 2>&1
}
