# shellcheck shell=bash
# Dovecot (IMAP) for the tests, sourced by scripts/test: start_dovecot runs it as this user
# on 127.0.0.1 with its data in "$servers_dir/dovecot", stop_dovecot stops it.
#
# Exported for the tests:
#   AUTOCAPTURE_TEST_IMAP_PORT       plaintext IMAP (STARTTLS offered)
#   AUTOCAPTURE_TEST_IMAPS_PORT      IMAP over TLS
#   AUTOCAPTURE_TEST_IMAP_USERS      test users, comma-separated, one per test that writes mail
#   AUTOCAPTURE_TEST_IMAP_PASSWORD   their password
#   AUTOCAPTURE_TEST_IMAP_MAIL_ROOT  their Maildirs are ROOT/USER (Dovecot's own layout)
#   AUTOCAPTURE_TEST_IMAP_CA_FILE    the CA that signed the server's certificate (PEM)
#
# Dovecot starts its daemons as root by default; here every service runs as the user who
# runs the tests (default_internal_user, default_login_user, no chroot), with its sockets
# and state under the temporary directory, so no system file is read or written.

dovecot_free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "dovecot: no free port found" >&2
  return 1
}

start_dovecot() {
  local dovecot
  dovecot="$(command -v dovecot || true)"
  [ -n "$dovecot" ] || dovecot=/usr/sbin/dovecot
  if [ ! -x "$dovecot" ]; then
    echo "dovecot: not installed (Debian: dovecot-imapd; .ci/install-deps installs it)" >&2
    return 1
  fi
  local dir="$servers_dir/dovecot"
  mkdir -p "$dir/run" "$dir/state" "$dir/mail" "$dir/home"
  chmod 700 "$dir"

  # A CA and a server certificate for 127.0.0.1 and localhost, made for this run.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=AutoCapture test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    >/dev/null 2>&1 || { echo "dovecot: openssl could not make the test CA" >&2; return 1; }
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 &&
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -CAcreateserial -days 2 -out "$dir/server.pem" \
      -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') \
      >/dev/null 2>&1 ||
    { echo "dovecot: openssl could not make the server certificate" >&2; return 1; }

  local password users="" passwd="$dir/passwd" user
  password="test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  : >"$passwd"
  for n in $(seq 1 24); do
    user="user$n"
    echo "$user:{PLAIN}$password::::::" >>"$passwd"
    mkdir -p "$dir/mail/$user" "$dir/home/$user"
    users="${users:+$users,}$user"
  done
  chmod 600 "$passwd"

  local port sport uid gid name group
  port="$(dovecot_free_port)" || return 1
  sport="$(dovecot_free_port)" || return 1
  while [ "$sport" = "$port" ]; do sport="$(dovecot_free_port)" || return 1; done
  uid="$(id -u)"
  gid="$(id -g)"
  name="$(id -un)"
  group="$(id -gn)"
  # Dovecot refuses root for its login processes and for mail access, and CI runs as
  # root: then logins and mail run as nobody, who owns the mail and home directories (the
  # tests, as root, make what they add there writable for it) and needs to pass through
  # the directories on the way.
  local login_user="$name" mail_uid="$uid" mail_gid="$gid"
  if [ "$uid" -eq 0 ]; then
    login_user=nobody
    mail_uid="$(id -u nobody)"
    mail_gid="$(id -g nobody)"
    chmod 711 "$servers_dir" "$dir"
    chmod 755 "$dir/run"
    chown -R "$mail_uid:$mail_gid" "$dir/mail" "$dir/home"
  fi

  cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
instance_name = autocapture-test-$$
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/server.pem
ssl_key = <$dir/server.key
ssl_min_protocol = TLSv1.2
# Plaintext LOGIN is for the client to refuse off loopback; the server allows it here.
disable_plaintext_auth = no
auth_mechanisms = plain login
# The wrong-password tests must not slow the others: no delay after a failed login, and
# no per-address penalty (it applies to untrusted networks only).
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = $name
default_internal_group = $group
default_login_user = $login_user
first_valid_uid = $mail_uid
last_valid_uid = $mail_uid
first_valid_gid = $mail_gid
last_valid_gid = $mail_gid
mail_location = maildir:$dir/mail/%u
mail_plugins =
protocol imap {
  mail_max_userip_connections = 100
  imap_capability = +CONDSTORE QRESYNC
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $passwd
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$dir/home/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
  }
  mailbox Junk {
    special_use = \Junk
  }
  mailbox Trash {
    special_use = \Trash
  }
  mailbox Sent {
    special_use = \Sent
  }
  mailbox "Papierkorb" {
    special_use = \Trash
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $sport
    ssl = yes
  }
}
service pop3-login {
  chroot =
}
service submission-login {
  chroot =
}
service anvil {
  chroot =
}
service auth {
  user = $name
}
service auth-worker {
  user = $name
}
service imap {
  user = $name
}
service stats {
  user = $name
}
service dict {
  user = $name
}
service director {
  user = $name
}
CONF

  if ! "$dovecot" -c "$dir/dovecot.conf" 2>"$dir/start.err"; then
    echo "dovecot: could not start:" >&2
    cat "$dir/start.err" "$dir/dovecot.log" >&2 2>/dev/null
    return 1
  fi
  local ready=""
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
      (exec 3<>"/dev/tcp/127.0.0.1/$sport") 2>/dev/null; then
      ready=1
      break
    fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "dovecot: started but not listening on 127.0.0.1:$port and :$sport:" >&2
    cat "$dir/dovecot.log" >&2 2>/dev/null
    stop_dovecot
    return 1
  fi
  export AUTOCAPTURE_TEST_IMAP_PORT="$port"
  export AUTOCAPTURE_TEST_IMAPS_PORT="$sport"
  export AUTOCAPTURE_TEST_IMAP_USERS="$users"
  export AUTOCAPTURE_TEST_IMAP_PASSWORD="$password"
  export AUTOCAPTURE_TEST_IMAP_MAIL_ROOT="$dir/mail"
  export AUTOCAPTURE_TEST_IMAP_CA_FILE="$dir/ca.pem"
  echo "scripts/test: dovecot on 127.0.0.1:$port (imap) and :$sport (imaps)" >&2
}

stop_dovecot() {
  local dir="$servers_dir/dovecot"
  [ -f "$dir/dovecot.conf" ] || return 0
  local dovecot
  dovecot="$(command -v dovecot || echo /usr/sbin/dovecot)"
  "$dovecot" -c "$dir/dovecot.conf" stop >/dev/null 2>&1 || true
  # dovecot stop returns before its children have gone; wait for the master to exit.
  local pid
  pid="$(cat "$dir/run/master.pid" 2>/dev/null || true)"
  if [ -n "$pid" ]; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
