import CaptureCore
import Foundation

/// The CRM import file (docs/import-format.md): Lumen Analytics' records and tracked activities.
///
/// Only the keys the spec shows are used, so the file doubles as a worked example of the
/// format. Every id referenced is defined here; the tracked email and appointment point at a
/// message and an event that also exist in Dana's mailbox, so each shows once, as tracked.
struct DemoCRM {
  static let userId = "dana"

  let clock: DemoClock
  /// When the tracked quote was sent (its Date header).
  let quoteSent: Date
  /// The calendar, for the tracked launch review and weekly-sync occurrence.
  let calendar: DemoCalendar
  /// When Jörg's integration questions were sent: Sam tracked them on the CSV case, so on
  /// Müller's opportunity they show as tracked elsewhere.
  var questionsSent: Date? = nil

  var json: JSONOutput {
    .object([
      ("organization", .object([
        ("name", "Lumen Analytics"), ("autoCapture", true), ("untrackedAccess", "allowed"),
      ])),
      ("users", .array([
        user("dana", Cast.dana.name, [Cast.dana.address, Cast.danaAlias.address],
             mailbox: ("server-side-sync", true, true),
             excluded: [DemoMailbox.excludedSender.address]),
        user("sam", Cast.sam.name, [Cast.sam.address], mailbox: ("server-side-sync", true, true)),
        user("jonas", Cast.jonas.name, [Cast.jonas.address],
             mailbox: ("server-side-sync", true, false)),
      ])),
      ("contacts", .array(contacts)),
      ("accounts", .array([
        account("a-mueller", "Müller GmbH", [Cast.muellerInfo.address], primary: "c-klaus"),
        account("a-societe", "Société Lumière SA", ["contact@societe-lumiere.example"],
                primary: "c-renee"),
        account("a-sakura", "桜電機株式会社 (Sakura Denki)", ["sales@sakura-denki.example"],
                primary: "c-yamada"),
        account("a-fjordline", "Fjordline Logistics AS", ["hello@fjordline.example"],
                primary: "c-ingrid"),
      ])),
      ("leads", .array([
        lead("l-harbor", "Fleet tracking for Harbor Bikes", Cast.boChen,
             emails: [Cast.harborSales.address]),
        lead("l-sakura", "Sakura Denki: 見積もり依頼 (quote request)", Cast.kenji, emails: []),
        lead("l-cafe", "Café Olé: sales analytics pilot", Cast.ines, emails: []),
      ])),
      ("opportunities", .array([
        opportunity("o-mueller", "Müller GmbH — 200 licences", contact: "c-klaus",
                    account: "a-mueller", stakeholders: ["c-joerg"], lead: nil),
        opportunity("o-societe", "Société Lumière — renouvellement 2027", contact: "c-renee",
                    account: "a-societe", stakeholders: ["c-francois"], lead: nil),
        opportunity("o-sakura", "桜電機 — 80 users (見積もり)", contact: "c-yamada",
                    account: "a-sakura", stakeholders: ["c-liwei"], lead: "l-sakura"),
        opportunity("o-fjordline", "🚀 Fjordline launch", contact: "c-ingrid",
                    account: "a-fjordline", stakeholders: ["c-zoe", "c-priya"], lead: nil),
      ])),
      ("cases", .array([
        .object([
          ("id", "k-csv"), ("title", "CSV export breaks umlauts (Umlaute kaputt)"),
          ("emails", .array([.string(Cast.muellerSupport.address)])),
          ("primaryContact", "c-anja"),
          ("customer", .object([("type", "account"), ("id", "a-mueller")])),
        ]),
        .object([
          ("id", "k-feed"), ("title", "Vehicle tracking feed lags 20 minutes"),
          ("emails", .array([])), ("primaryContact", "c-zoe"),
          ("customer", .object([("type", "contact"), ("id", "c-zoe")])),
        ]),
      ])),
      ("customEntityTypes", .array([
        .object([
          ("name", "project"), ("displayName", "Project"),
          ("lookups", .array([
            .object([("field", "client"), ("target", "account")]),
            .object([("field", "sponsor"), ("target", "contact")]),
            .object([("field", "payer"), ("target", "customer")]),
          ])),
        ]),
      ])),
      ("customRecords", .array([
        .object([
          ("type", "project"), ("id", "p-rollout"), ("name", "Fjordline rollout, phase 1"),
          ("lookups", .object([
            ("client", "a-fjordline"), ("sponsor", "c-ingrid"),
            ("payer", .object([("type", "account"), ("id", "a-fjordline")])),
          ])),
        ]),
        .object([
          ("type", "project"), ("id", "p-pilote"), ("name", "Pilote prévisions Lumière"),
          ("lookups", .object([
            ("client", "a-societe"), ("sponsor", "c-francois"),
            ("payer", .object([("type", "contact"), ("id", "c-renee")])),
          ])),
        ]),
      ])),
      ("activities", .array(activities)),
    ])
  }

  // MARK: Records

  /// Contacts, with `modifiedOn` spread over recent weeks (Priya has none: sorts last).
  private var contacts: [JSONOutput] {
    let rows: [(String, DemoPerson, [String], String?, Int?)] = [
      ("c-klaus", Cast.klaus, [], "a-mueller", 3),
      ("c-joerg", Cast.joerg, [], "a-mueller", 14),
      ("c-anja", Cast.anja, [], "a-mueller", 8),
      ("c-renee", Cast.renee, [Cast.reneePersonal.address], "a-societe", 6),
      ("c-francois", Cast.francois, [], "a-societe", 29),
      ("c-yamada", Cast.yamada, [], "a-sakura", 24),
      ("c-liwei", Cast.liWei, [], "a-sakura", 9),
      ("c-ingrid", Cast.ingrid, [], "a-fjordline", 2),
      ("c-zoe", Cast.zoe, [], "a-fjordline", 13),
      ("c-omar", Cast.omar, [], "a-fjordline", 7),
      ("c-sven", Cast.sven, [], "a-fjordline", 20),
      ("c-priya", Cast.priya, [], nil, nil),
      ("c-dispatch", Cast.dispatch, [], nil, 1),
    ]
    return rows.map { id, person, more, parent, modifiedDaysAgo in
      var pairs: [(String, JSONOutput)] = [
        ("id", .string(id)), ("name", .string(person.name)),
        ("emails", .array(([person.address] + more).map(JSONOutput.string))),
      ]
      if let parent { pairs.append(("parentAccount", .string(parent))) }
      if let days = modifiedDaysAgo {
        pairs.append(("modifiedOn", .string(iso(daysAgo: days, hour: 12))))
      }
      return .object(pairs)
    }
  }

  private func user(_ id: String, _ name: String, _ emails: [String],
                    mailbox: (String, Bool, Bool), excluded: [String] = []) -> JSONOutput {
    var fields: [(String, JSONOutput)] = [
      ("id", .string(id)), ("name", .string(name)),
      ("emails", .array(emails.map(JSONOutput.string))),
      ("mailbox", .object([
        ("syncMethod", .string(mailbox.0)), ("approved", .bool(mailbox.1)),
        ("testEnabled", .bool(mailbox.2)),
      ])),
    ]
    if !excluded.isEmpty {
      fields.append(("excludedAddresses", .array(excluded.map(JSONOutput.string))))
    }
    return .object(fields)
  }

  private func account(_ id: String, _ name: String, _ emails: [String], primary: String)
    -> JSONOutput
  {
    .object([
      ("id", .string(id)), ("name", .string(name)),
      ("emails", .array(emails.map(JSONOutput.string))), ("primaryContact", .string(primary)),
    ])
  }

  private func lead(_ id: String, _ name: String, _ contact: DemoPerson, emails: [String])
    -> JSONOutput
  {
    .object([
      ("id", .string(id)), ("name", .string(name)),
      ("contact", .object([("name", .string(contact.name)), ("email", .string(contact.address))])),
      ("emails", .array(emails.map(JSONOutput.string))),
    ])
  }

  private func opportunity(_ id: String, _ name: String, contact: String, account: String,
                           stakeholders: [String], lead: String?) -> JSONOutput {
    var pairs: [(String, JSONOutput)] = [
      ("id", .string(id)), ("name", .string(name)), ("emails", .array([])),
      ("contact", .string(contact)), ("account", .string(account)),
      ("stakeholders", .array(stakeholders.map(JSONOutput.string))),
    ]
    if let lead { pairs.append(("originatingLead", .string(lead))) }
    return .object(pairs)
  }

  // MARK: Tracked activities

  private var activities: [JSONOutput] {
    let quote = DemoMailbox.quoteAttachment
    return [
      .object([
        ("id", "act-quote-q2026-118"), ("kind", "email"),
        ("regarding", ref("opportunity", "o-mueller")),
        ("subject", "Quote Q-2026-118 for Müller GmbH"),
        ("at", .string(ISO8601.format(quoteSent))), ("owner", "dana"),
        ("messageId", .string("<\(DemoMailbox.trackedQuoteKey)@\(Cast.dana.domain)>")),
        ("direction", "outgoing"), ("from", .string(Cast.dana.address)),
        ("to", .array([.string(Cast.klaus.address)])),
        ("cc", .array([.string(Cast.joerg.address)])),
        ("attachments", .array([.object([
          ("name", .string(quote.name)), ("size", .int(quote.data.count)),
        ])])),
      ]),
      .object([
        ("id", "act-feed-update"), ("kind", "email"),
        ("regarding", ref("case", "k-feed")),
        ("subject", "Tracking feed: root cause and fix"),
        ("at", .string(iso(daysAgo: 12, hour: 16))), ("owner", "sam"),
        ("messageId", "<so.feed.rootcause.51@lumen.example>"),
        ("direction", "outgoing"), ("from", .string(Cast.sam.address)),
        ("to", .array([.string(Cast.zoe.address)])),
        ("cc", .array([.string(Cast.dana.address)])),
        ("attachments", .array([])),
      ]),
      .object([
        ("id", "act-integration-questions"), ("kind", "email"),
        ("regarding", ref("case", "k-csv")),
        ("subject", "Technische Fragen zur Integration"),
        ("at", .string(ISO8601.format(questionsSent ?? clock.now))), ("owner", "sam"),
        ("messageId", .string("<\(DemoMailbox.trackedElsewhereKey)@\(Cast.joerg.domain)>")),
        ("direction", "incoming"), ("from", .string(Cast.joerg.address)),
        ("to", .array([.string(Cast.dana.address)])),
        ("cc", .array([.string(Cast.klaus.address)])),
        ("attachments", .array([])),
      ]),
      .object([
        ("id", "act-call-yamada"), ("kind", "phonecall"),
        ("regarding", ref("opportunity", "o-sakura")),
        ("subject", "Call with 山田さん: budget and go-live date"),
        ("at", .string(iso(daysAgo: 23, hour: 8, minute: 30))), ("owner", "dana"),
      ]),
      .object([
        ("id", "act-call-harbor"), ("kind", "phonecall"),
        ("regarding", ref("lead", "l-harbor")),
        ("subject", "Discovery call with Bo Chen"),
        ("at", .string(iso(daysAgo: 31, hour: 17))), ("owner", "jonas"),
      ]),
      .object([
        ("id", "act-task-csv"), ("kind", "task"),
        ("regarding", ref("case", "k-csv")),
        ("subject", "Reproduce CSV export with umlauts and ship the BOM fix"),
        ("at", .string(iso(daysAgo: 7, hour: 10))), ("owner", "sam"),
      ]),
      .object([
        ("id", "act-note-renee"), ("kind", "note"),
        ("regarding", ref("account", "a-societe")),
        ("subject", "Renée prefers contract documents in French; decision by end of January"),
        ("at", .string(iso(daysAgo: 28, hour: 14))), ("owner", "dana"),
      ]),
      .object([
        ("id", "act-launch-review"), ("kind", "appointment"),
        ("regarding", ref("opportunity", "o-fjordline")),
        ("subject", "🚀 Launch plan review"),
        ("at", .string(ISO8601.format(calendar.launchStart))), ("owner", "dana"),
        ("uid", .string(DemoCalendar.launchUID)),
      ]),
      .object([
        ("id", "act-weekly-training-plan"), ("kind", "appointment"),
        ("regarding", ref("opportunity", "o-mueller")),
        ("subject", "Weekly sync — moved to the afternoon (training plan)"),
        ("at", .string(ISO8601.format(calendar.weeklyMovedOccurrence.start))), ("owner", "sam"),
        ("uid", .string(DemoCalendar.weeklyUID)),
        ("recurrenceId", .string(ISO8601.format(calendar.weeklyMovedOccurrence.original))),
      ]),
    ]
  }

  private func ref(_ type: String, _ id: String) -> JSONOutput {
    .object([("type", .string(type)), ("id", .string(id))])
  }

  private func iso(daysAgo: Int, hour: Int, minute: Int = 0) -> String {
    ISO8601.format(
      clock.instant(clock.userToday.adding(days: -daysAgo), hour: hour, minute: minute,
                    in: .user))
  }
}
