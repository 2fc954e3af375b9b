import Foundation

/// The timeline as docs/commands.md's "Timeline JSON" prints it.
public enum TimelineJSON {
  public static func encode(_ timeline: Timeline) -> JSONOutput {
    .object([
      ("record", .object([
        ("type", .string(timeline.record.ref.type.name)),
        ("id", .string(timeline.record.ref.id)),
        ("name", .string(timeline.record.name)),
      ])),
      ("notice", .optional(timeline.notice)),
      ("items", .array(timeline.items.map(encode))),
      ("problems", .array(timeline.problems.map(JSONOutput.string))),
      ("emailsShown", .int(timeline.emailsShown)),
      ("emailsMatched", .int(timeline.emailsMatched)),
      ("emailsMatchedIsLowerBound", .bool(timeline.emailsMatchedIsLowerBound)),
    ])
  }

  /// `[{"record": {"type", "id", "name"}, "by": "Eli Park"}]`.
  public static func trackedElsewhere(_ list: [TrackedElsewhere]) -> JSONOutput {
    .array(list.map { elsewhere in
      .object([
        ("record", .object([
          ("type", .string(elsewhere.record.ref.type.name)),
          ("id", .string(elsewhere.record.ref.id)),
          ("name", .string(elsewhere.record.name)),
        ])),
        ("by", .optional(elsewhere.by)),
      ])
    })
  }

  /// An item's audit trail (`history`, only on items that have one).
  static func history(_ list: [ItemHistory]) -> JSONOutput {
    .array(list.map { h in
      .object([
        ("at", .string(ISO8601.format(h.entry.at))),
        ("by", .string(h.entry.userId)),
        ("action", .string(h.entry.to == nil ? "untrack" : "move")),
        ("from", .string(h.entry.from.description)),
        ("to", .optional(h.entry.to?.description)),
      ])
    })
  }

  static func addresses(_ list: [EmailAddress]) -> JSONOutput {
    .array(list.map { .string($0.value) })
  }

  public static func encode(_ item: TimelineItem) -> JSONOutput {
    var fields: [(String, JSONOutput)] = [
      ("id", .string(item.id)),
      ("kind", .string(item.kind.rawValue)),
      ("state", .string(item.state.name)),
    ]
    if case .failed(let reason) = item.state { fields.append(("error", .string(reason))) }
    let tracked = item.state == .tracked
    switch item.kind {
    case .appointment:
      if let uid = item.uid { fields.append(("uid", .string(uid))) }
      fields.append(("recurrenceId", .optional(item.recurrenceId.map(ISO8601.format))))
      fields += [
        ("subject", .string(item.subject)),
        ("at", .string(ISO8601.format(item.at))),
        ("end", .optional(item.end.map(ISO8601.format))),
        ("allDay", .bool(item.isAllDay)),
        ("organizer", .optional(item.organizer?.value)),
        ("attendees", addresses(item.attendees)),
      ]
      if let location = item.location { fields.append(("location", .string(location))) }
    case .email:
      fields += [
        ("messageId", .optional(item.messageId)),
        ("subject", .string(item.subject)),
        ("at", .string(ISO8601.format(item.at))),
        ("from", .optional(item.from?.value)),
        ("to", addresses(item.to)),
        ("cc", addresses(item.cc)),
        ("direction", tracked ? .optional(item.direction?.rawValue) : .null),
        ("hasAttachments", tracked ? .optional(item.hasAttachments) : .null),
      ]
      if let name = item.fromName, !name.isEmpty { fields.append(("fromName", .string(name))) }
    case .phonecall, .task, .note:
      fields += [
        ("subject", .string(item.subject)),
        ("at", .string(ISO8601.format(item.at))),
      ]
      if let end = item.end { fields.append(("end", .string(ISO8601.format(end)))) }
    }
    fields.append(("capturedAs", .optional(item.capturedAs?.rawValue)))
    if !item.trackedElsewhere.isEmpty {
      fields.append(("trackedElsewhere", trackedElsewhere(item.trackedElsewhere)))
    }
    if !item.history.isEmpty { fields.append(("history", history(item.history))) }
    return .object(fields)
  }
}
