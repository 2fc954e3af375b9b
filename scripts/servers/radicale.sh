# Radicale, the CalDAV server the CalDAV tests talk to (sourced by scripts/test).
# start_radicale runs it as this user on 127.0.0.1 on a free port, its data in
# "$servers_dir/radicale", with htpasswd logins (user `dana`, password in the environment)
# so that a refused login can be tested, and exports
#   AUTOCAPTURE_TEST_CALDAV_URL       http://127.0.0.1:PORT/
#   AUTOCAPTURE_TEST_CALDAV_USER      dana
#   AUTOCAPTURE_TEST_CALDAV_PASSWORD  a password made for this run
# Radicale is the one .ci/install-deps puts in .build-servers/radicale-venv, else one on PATH.

radicale_bin() {
  local venv="$root/.build-servers/radicale-venv/bin/radicale"
  if [ -x "$venv" ]; then echo "$venv"; return; fi
  command -v radicale || return 1
}

start_radicale() {
  local bin dir port password i
  bin="$(radicale_bin)" || {
    echo "radicale.sh: no radicale (run .ci/install-deps, or pip install radicale)" >&2
    return 1
  }
  dir="$servers_dir/radicale"
  mkdir -p "$dir/collections"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  password="pw-$RANDOM$RANDOM"
  printf 'dana:%s\nbo:%s\n' "$password" "$password" > "$dir/users"
  cat > "$dir/config" <<CONF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[logging]
level = warning
CONF
  "$bin" --config "$dir/config" > "$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  for i in $(seq 1 100); do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "radicale.sh: radicale stopped at start:" >&2; cat "$dir/log" >&2
      return 1
    fi
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
      export AUTOCAPTURE_TEST_CALDAV_URL="http://127.0.0.1:$port/"
      export AUTOCAPTURE_TEST_CALDAV_USER="dana"
      export AUTOCAPTURE_TEST_CALDAV_PASSWORD="$password"
      echo "scripts/test: radicale on 127.0.0.1:$port" >&2
      return 0
    fi
    sleep 0.1
  done
  echo "radicale.sh: radicale did not answer on 127.0.0.1:$port within 10 s:" >&2
  cat "$dir/log" >&2
  return 1
}

stop_radicale() {
  local pidfile="$servers_dir/radicale/pid"
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  wait "$(cat "$pidfile")" 2>/dev/null || true
}
