// The SQLite floor of `autocapture timeline --json`: the statements a timeline of an
// account runs (CaptureCore's TimelineService through CRMStore and Mailbox, as of index
// schema 4), issued through the raw SQLite C API by a static C program, with the
// JSON reduced to the fields a tile shows. What it costs is what SQLite alone needs
// for the job, below any Swift, GRDB or Foundation overhead: `bench-vs-notmuch` times it
// beside `timeline --json` to show how much of a one-shot process is ours to remove.
//
// usage: timeline_sql_floor CRM.sqlite INDEX.sqlite USER ACCOUNT_ID
// Prints the account's 50 newest messages (the address set is the account's own
// addresses, as in the benchmark), one JSON object per line, newest first.
//
// Kept in step by hand with the SQL in Sources/CRMStore and Sources/Mailbox; it measures,
// it is not a second implementation (no contacts' addresses, calendars or tracking).
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LIMIT 50
#define MAX_ADDRESSES 256

static void fail(sqlite3 *db, const char *what) {
  fprintf(stderr, "timeline_sql_floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
  exit(1);
}

// Opens as SQLiteFiles.open(connections: .single) does.
static sqlite3 *open_db(const char *path) {
  sqlite3 *db;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) fail(db, path);
  sqlite3_busy_timeout(db, 5000);
  int persist = 1;
  sqlite3_file_control(db, NULL, SQLITE_FCNTL_PERSIST_WAL, &persist);
  if (sqlite3_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 0;"
                       "SELECT * FROM sqlite_master LIMIT 1; PRAGMA journal_mode;"
                       "PRAGMA user_version", NULL, NULL, NULL) != SQLITE_OK)
    fail(db, path);
  return db;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
  sqlite3_stmt *statement;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) fail(db, sql);
  return statement;
}

// Runs a statement with one text argument (or none) and counts its rows.
static int run(sqlite3 *db, const char *sql, const char *argument) {
  sqlite3_stmt *statement = prepare(db, sql);
  if (argument) sqlite3_bind_text(statement, 1, argument, -1, SQLITE_STATIC);
  int rows = 0;
  while (sqlite3_step(statement) == SQLITE_ROW) rows++;
  sqlite3_finalize(statement);
  return rows;
}

static void json_string(FILE *out, const unsigned char *text) {
  fputc('"', out);
  for (const unsigned char *c = text ? text : (const unsigned char *)""; *c; c++) {
    if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
    else if (*c < 0x20) fprintf(out, "\\u%04x", *c);
    else fputc(*c, out);
  }
  fputc('"', out);
}

typedef struct { sqlite3_stmt *cursor; double date; long long message; } Head;

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: timeline_sql_floor CRM.sqlite INDEX.sqlite USER ACCOUNT_ID\n");
    return 2;
  }
  const char *user = argv[3], *account = argv[4];
  sqlite3 *crm = open_db(argv[1]);
  sqlite3 *index = open_db(argv[2]);

  // The CRM side before the query: user, record, organization, address set, pending tracks.
  if (run(crm, "SELECT name, syncMethod, approved, testEnabled, showUntracked FROM user "
               "WHERE id = ?", user) != 1) fail(NULL, "unknown user");
  run(crm, "SELECT address FROM userEmail WHERE userId = ? ORDER BY position", user);
  if (run(crm, "SELECT name FROM account WHERE id = ?", account) != 1)
    fail(NULL, "unknown account");
  run(crm, "SELECT name FROM account WHERE id = ?", account);
  run(crm, "SELECT name, autoCapture, untrackedAccess FROM organization WHERE id = 1", NULL);
  run(crm, "SELECT id, name, primaryContact FROM account WHERE id = ?", account);
  static char addresses[MAX_ADDRESSES][320];
  int address_count = 0;
  sqlite3_stmt *emails = prepare(crm, "SELECT address FROM recordEmail WHERE recordType = "
                                      "'account' AND recordId = ? ORDER BY position");
  sqlite3_bind_text(emails, 1, account, -1, SQLITE_STATIC);
  while (sqlite3_step(emails) == SQLITE_ROW && address_count < MAX_ADDRESSES)
    snprintf(addresses[address_count++], 320, "%s", sqlite3_column_text(emails, 0));
  sqlite3_finalize(emails);
  run(crm, "SELECT id, name, parentAccount, modifiedOn FROM contact WHERE parentAccount = ? "
           "ORDER BY modifiedOn IS NULL, modifiedOn DESC, id LIMIT 10", account);
  run(crm, "SELECT id, userId, recordType, recordId, itemId, requestedAt, state, reason, "
           "attempts, activityId FROM trackRequest WHERE state IN ('failed', 'pending') "
           "AND userId = ? ORDER BY requestedAt, id", user);

  // Index freshness: the directory rows, each directory's mtime, no staged postings.
  sqlite3_stmt *dirs = prepare(index, "SELECT id, path, kind, root, folder, mtime_ns, size, "
                                      "tail_hash FROM dir");
  while (sqlite3_step(dirs) == SQLITE_ROW) {
    struct stat info;
    stat((const char *)sqlite3_column_text(dirs, 1), &info);
  }
  sqlite3_finalize(dirs);
  run(index, "SELECT EXISTS (SELECT 1 FROM posting_new)", NULL);
  run(index, "SELECT value FROM stats WHERE key = 'messages'", NULL);

  // The query: one posting cursor per address, newest first, merged until 50 are taken
  // and the next posting is older than the 50th.
  static Head heads[MAX_ADDRESSES];
  int head_count = 0;
  sqlite3_stmt *lookup = prepare(index, "SELECT id FROM address WHERE value = ?");
  for (int a = 0; a < address_count; a++) {
    sqlite3_reset(lookup);
    sqlite3_bind_text(lookup, 1, addresses[a], -1, SQLITE_STATIC);
    if (sqlite3_step(lookup) != SQLITE_ROW) continue;
    Head *head = &heads[head_count];
    head->cursor = prepare(index, "SELECT date, message FROM posting WHERE address = ? "
                                  "ORDER BY date DESC");
    sqlite3_bind_int64(head->cursor, 1, sqlite3_column_int64(lookup, 0));
    if (sqlite3_step(head->cursor) != SQLITE_ROW) { sqlite3_finalize(head->cursor); continue; }
    head->date = sqlite3_column_double(head->cursor, 0);
    head->message = sqlite3_column_int64(head->cursor, 1);
    head_count++;
  }
  sqlite3_finalize(lookup);
  long long chosen[LIMIT * 4];
  int chosen_count = 0, bounded = 0;
  double boundary = 0;
  while (head_count > 0 && chosen_count < LIMIT * 4) {
    int best = 0;
    for (int k = 1; k < head_count; k++) if (heads[k].date > heads[best].date) best = k;
    if (bounded && heads[best].date < boundary) break;
    int seen = 0;
    for (int c = 0; c < chosen_count; c++) if (chosen[c] == heads[best].message) seen = 1;
    if (!seen) {
      chosen[chosen_count++] = heads[best].message;
      if (chosen_count == LIMIT) { bounded = 1; boundary = heads[best].date; }
    }
    if (sqlite3_step(heads[best].cursor) == SQLITE_ROW) {
      heads[best].date = sqlite3_column_double(heads[best].cursor, 0);
      heads[best].message = sqlite3_column_int64(heads[best].cursor, 1);
    } else {
      sqlite3_finalize(heads[best].cursor);
      heads[best] = heads[--head_count];
    }
  }
  for (int k = 0; k < head_count; k++) sqlite3_finalize(heads[k].cursor);

  // The message rows, then the tracked activities for their Message-IDs and the record's.
  sqlite3_stmt *fetch = prepare(index, "SELECT mid, date, date_fallback, subject, from_addr, "
                                       "from_name, to_list, cc_list, folder FROM message "
                                       "WHERE id = ?");
  sqlite3_stmt *tracked = prepare(crm, "SELECT a.id, a.kind, a.subject, a.at, a.\"end\", "
                                       "a.owner, a.messageId, a.direction, a.fromAddress, a.uid, "
                                       "a.recurrenceId, a.organizer, a.location FROM activity a "
                                       "WHERE a.kind = 'email' AND a.messageId = ?");
  // Ties on the date are settled by Message-ID, as in MailboxIndex.newest: the chosen
  // messages are printed in date order, then Message-ID order.
  typedef struct { double date; char *line; char *mid; } Item;
  Item items[LIMIT * 4];
  int item_count = 0;
  for (int c = 0; c < chosen_count; c++) {
    sqlite3_reset(fetch);
    sqlite3_bind_int64(fetch, 1, chosen[c]);
    if (sqlite3_step(fetch) != SQLITE_ROW) continue;
    const unsigned char *mid = sqlite3_column_text(fetch, 0);
    sqlite3_reset(tracked);
    sqlite3_bind_text(tracked, 1, (const char *)mid, -1, SQLITE_TRANSIENT);
    int is_tracked = sqlite3_step(tracked) == SQLITE_ROW;
    char *line; size_t size;
    FILE *out = open_memstream(&line, &size);
    fputs("{\"id\":", out); json_string(out, mid);
    fprintf(out, ",\"date\":%.0f,\"subject\":", sqlite3_column_double(fetch, 1));
    json_string(out, sqlite3_column_text(fetch, 3));
    fputs(",\"from\":", out); json_string(out, sqlite3_column_text(fetch, 4));
    fputs(",\"to\":", out); json_string(out, sqlite3_column_text(fetch, 6));
    fprintf(out, ",\"tracked\":%s}\n", is_tracked ? "true" : "false");
    fclose(out);
    items[item_count++] = (Item){sqlite3_column_double(fetch, 1), line,
                                 strdup((const char *)mid)};
  }
  sqlite3_finalize(fetch);
  sqlite3_finalize(tracked);
  run(crm, "SELECT a.id FROM activity a JOIN activityRegarding r ON r.activityId = a.id "
           "WHERE r.recordType = 'account' AND r.recordId = ? ORDER BY a.at DESC, a.id", account);
  for (int i = 1; i < item_count; i++)
    for (int j = i; j > 0; j--) {
      Item *x = &items[j - 1], *y = &items[j];
      if (x->date > y->date || (x->date == y->date && strcmp(x->mid, y->mid) <= 0)) break;
      Item t = *x; *x = *y; *y = t;
    }
  for (int i = 0; i < item_count && i < LIMIT; i++) fputs(items[i].line, stdout);
  sqlite3_close(index);
  sqlite3_close(crm);
  return 0;
}
