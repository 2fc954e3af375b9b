import CaptureCore
import Foundation
import PostgresNIO

/// The CRM database schema in PostgreSQL: the SQLite schema's tables and columns (so one
/// importer and one contract serve both), with PostgreSQL's types, and what a team needs:
/// row-level security on track requests and a notification when an activity is stored.
///
/// `autocaptureSchema` holds the version. Each change is a new migration appended to
/// `migrations`, never an edit of an old one; a database of a higher version was written by
/// a newer AutoCapture and is refused.
enum PostgresSchema {
  static var version: Int { migrations.count }

  /// Identifiers and text compare byte by byte, as in SQLite, whatever the database's locale.
  private static let text = "text COLLATE \"C\""

  static let migrations: [String] = [v1, v2, v3, v4]

  /// The personal option "Track replies to tracked email automatically"; NULL until the
  /// user chooses.
  private static let v3 = """
    ALTER TABLE "user" ADD COLUMN trackReplies boolean;
    """

  /// The audit trail of untracking and moving, which the whole team reads and each member
  /// appends to in their own name only (row-level security; no one changes an entry). An
  /// untrack may delete an activity that other members' done requests name, so those
  /// forget it (`ON DELETE SET NULL`), and it fails everyone's pending requests for the item
  /// on that record through a function that runs with the owner's rights, since row-level
  /// security keeps each member to their own requests. `seq` orders entries of equal time.
  private static let v4 = """
    CREATE TABLE trackingAudit (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id \(text) NOT NULL UNIQUE,
      at timestamptz NOT NULL,
      userId \(text) NOT NULL REFERENCES "user"(id),
      activityId \(text) NOT NULL,
      itemId \(text) NOT NULL,
      fromRecordType \(text) NOT NULL,
      fromRecordId \(text) NOT NULL,
      toRecordType \(text),
      toRecordId \(text),
      CHECK ((toRecordType IS NULL) = (toRecordId IS NULL))
    );
    CREATE INDEX trackingAudit_item ON trackingAudit(itemId, at);
    ALTER TABLE trackingAudit ENABLE ROW LEVEL SECURITY;
    CREATE POLICY trackingAudit_read ON trackingAudit FOR SELECT USING (true);
    CREATE POLICY trackingAudit_own_insert ON trackingAudit FOR INSERT
      WITH CHECK (userId = current_user);
    ALTER TABLE trackRequest DROP CONSTRAINT trackrequest_activityid_fkey;
    ALTER TABLE trackRequest ADD CONSTRAINT trackrequest_activityid_fkey
      FOREIGN KEY (activityId) REFERENCES activity(id) ON DELETE SET NULL;
    CREATE FUNCTION autocapture_fail_untracked(p_type text, p_id text, p_item text,
      p_reason text) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT
      AS $$ UPDATE trackRequest SET state = 'failed', reason = p_reason, claimedUntil = NULL WHERE recordType = p_type AND recordId = p_id AND itemId = p_item AND state = 'pending' $$
    """

  /// Excluded addresses: the organization's (written by the import) and each user's own.
  /// A user changes only their own list (row-level security, as for track requests).
  private static let v2 = """
    CREATE TABLE organizationExclusion (value \(text) PRIMARY KEY);
    CREATE TABLE userExclusion (
      userId \(text) NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
      value \(text) NOT NULL,
      PRIMARY KEY (userId, value)
    );
    ALTER TABLE userExclusion ENABLE ROW LEVEL SECURITY;
    CREATE POLICY userExclusion_read ON userExclusion FOR SELECT USING (true);
    CREATE POLICY userExclusion_own_insert ON userExclusion FOR INSERT
      WITH CHECK (userId = current_user);
    CREATE POLICY userExclusion_own_delete ON userExclusion FOR DELETE
      USING (userId = current_user);
    """

  /// Track requests name private mail, so a role sees and writes only its own (the role's
  /// name is the user's id; the tables' owner, who imports, is not restricted).
  private static let v1 = """
    CREATE TABLE organization (
      id integer PRIMARY KEY CHECK (id = 1),
      name \(text) NOT NULL,
      autoCapture boolean NOT NULL,
      untrackedAccess \(text) NOT NULL CHECK (untrackedAccess IN ('allowed', 'blocked'))
    );
    CREATE TABLE "user" (
      id \(text) PRIMARY KEY,
      name \(text) NOT NULL,
      syncMethod \(text) NOT NULL,
      approved boolean NOT NULL,
      testEnabled boolean NOT NULL,
      showUntracked boolean NOT NULL DEFAULT true
    );
    CREATE TABLE userEmail (
      userId \(text) NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
      position integer NOT NULL,
      address \(text) NOT NULL,
      PRIMARY KEY (userId, position)
    );
    CREATE INDEX userEmail_address ON userEmail(address);
    CREATE TABLE account (
      id \(text) PRIMARY KEY,
      name \(text) NOT NULL,
      primaryContact \(text)
    );
    CREATE TABLE contact (
      id \(text) PRIMARY KEY,
      name \(text) NOT NULL,
      parentAccount \(text) REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
      modifiedOn timestamptz
    );
    ALTER TABLE account ADD FOREIGN KEY (primaryContact) REFERENCES contact(id)
      DEFERRABLE INITIALLY DEFERRED;
    CREATE INDEX contact_topContacts
      ON contact(parentAccount, (modifiedOn IS NULL), modifiedOn DESC, id);
    CREATE TABLE lead (
      id \(text) PRIMARY KEY,
      name \(text) NOT NULL,
      contactName \(text),
      contactEmail \(text)
    );
    CREATE TABLE opportunity (
      id \(text) PRIMARY KEY,
      name \(text) NOT NULL,
      contact \(text) REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED,
      account \(text) REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
      originatingLead \(text) REFERENCES lead(id) DEFERRABLE INITIALLY DEFERRED
    );
    CREATE TABLE stakeholder (
      opportunityId \(text) NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
      position integer NOT NULL,
      contactId \(text) NOT NULL REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED,
      PRIMARY KEY (opportunityId, position)
    );
    CREATE TABLE supportCase (
      id \(text) PRIMARY KEY,
      title \(text) NOT NULL,
      primaryContact \(text) REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED,
      customerType \(text) CHECK (customerType IN ('account', 'contact')),
      customerId \(text),
      CHECK ((customerType IS NULL) = (customerId IS NULL))
    );
    CREATE TABLE recordEmail (
      recordType \(text) NOT NULL,
      recordId \(text) NOT NULL,
      position integer NOT NULL,
      address \(text) NOT NULL,
      PRIMARY KEY (recordType, recordId, position)
    );
    CREATE INDEX recordEmail_address ON recordEmail(address);
    CREATE TABLE customEntityType (
      name \(text) PRIMARY KEY,
      displayName \(text) NOT NULL
    );
    CREATE TABLE lookupDeclaration (
      typeName \(text) NOT NULL REFERENCES customEntityType(name) ON DELETE CASCADE,
      position integer NOT NULL,
      field \(text) NOT NULL,
      target \(text) NOT NULL CHECK (target IN ('account', 'contact', 'customer')),
      PRIMARY KEY (typeName, position),
      UNIQUE (typeName, field)
    );
    CREATE TABLE customRecord (
      type \(text) NOT NULL REFERENCES customEntityType(name) DEFERRABLE INITIALLY DEFERRED,
      id \(text) NOT NULL,
      name \(text) NOT NULL,
      PRIMARY KEY (type, id)
    );
    CREATE TABLE lookupValue (
      recordType \(text) NOT NULL,
      recordId \(text) NOT NULL,
      field \(text) NOT NULL,
      target \(text) NOT NULL CHECK (target IN ('account', 'contact', 'customer')),
      refType \(text) NOT NULL CHECK (refType IN ('account', 'contact')),
      refId \(text) NOT NULL,
      PRIMARY KEY (recordType, recordId, field),
      FOREIGN KEY (recordType, recordId) REFERENCES customRecord(type, id) ON DELETE CASCADE
    );
    CREATE TABLE activity (
      id \(text) PRIMARY KEY,
      kind \(text) NOT NULL
        CHECK (kind IN ('email', 'appointment', 'phonecall', 'task', 'note')),
      subject \(text) NOT NULL,
      at timestamptz NOT NULL,
      "end" timestamptz,
      owner \(text) REFERENCES "user"(id) DEFERRABLE INITIALLY DEFERRED,
      messageId \(text),
      direction \(text) CHECK (direction IN ('incoming', 'outgoing')),
      fromAddress \(text),
      fromName \(text),
      body \(text),
      uid \(text),
      recurrenceId timestamptz,
      organizer \(text),
      location \(text)
    );
    CREATE UNIQUE INDEX activity_emailMessageId
      ON activity(messageId) WHERE kind = 'email' AND messageId IS NOT NULL;
    CREATE UNIQUE INDEX activity_appointmentOccurrence
      ON activity(uid, coalesce(recurrenceId, '-infinity'))
      WHERE kind = 'appointment' AND uid IS NOT NULL;
    CREATE TABLE activityRegarding (
      activityId \(text) NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
      position integer NOT NULL,
      recordType \(text) NOT NULL,
      recordId \(text) NOT NULL,
      PRIMARY KEY (activityId, position),
      UNIQUE (activityId, recordType, recordId)
    );
    CREATE INDEX activityRegarding_record ON activityRegarding(recordType, recordId);
    CREATE TABLE activityAddress (
      activityId \(text) NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
      role \(text) NOT NULL CHECK (role IN ('to', 'cc', 'attendee')),
      position integer NOT NULL,
      address \(text) NOT NULL,
      PRIMARY KEY (activityId, role, position)
    );
    CREATE TABLE attachment (
      activityId \(text) NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
      position integer NOT NULL,
      name \(text) NOT NULL,
      contentType \(text),
      size bigint NOT NULL,
      content bytea,
      PRIMARY KEY (activityId, position)
    );
    CREATE TABLE trackRequest (
      id \(text) PRIMARY KEY,
      userId \(text) NOT NULL REFERENCES "user"(id),
      recordType \(text) NOT NULL,
      recordId \(text) NOT NULL,
      itemId \(text) NOT NULL,
      requestedAt timestamptz NOT NULL,
      state \(text) NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
      reason \(text),
      attempts integer NOT NULL DEFAULT 0,
      activityId \(text) REFERENCES activity(id),
      claimedUntil timestamptz,
      UNIQUE (userId, recordType, recordId, itemId)
    );
    CREATE INDEX trackRequest_state ON trackRequest(state, userId);
    ALTER TABLE trackRequest ENABLE ROW LEVEL SECURITY;
    CREATE POLICY trackRequest_own ON trackRequest
      USING (userId = current_user) WITH CHECK (userId = current_user);
    """
}

/// The privileges of a team's group role (docs/team-mode.md), granted by the tables' owner
/// after `import`: read every table, track (activities, their parts, track requests), and
/// change one's own personal option. Row-level security keeps each member to their own
/// track requests.
public enum PostgresTeamRoles {
  public static func grants(to role: String) -> [String] {
    let role = "\"" + role.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    return [
      "GRANT USAGE ON SCHEMA public TO \(role)",
      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)",
      "GRANT INSERT, UPDATE ON activity, activityRegarding, activityAddress, attachment, "
        + "trackRequest TO \(role)",
      "GRANT UPDATE (showUntracked) ON \"user\" TO \(role)",
      "GRANT UPDATE (trackReplies) ON \"user\" TO \(role)",
      "GRANT DELETE ON activity, activityRegarding TO \(role)",
      "GRANT INSERT ON trackingAudit TO \(role)",
    ]
  }
}
