import Foundation

/// The stable ids of captured items (docs/commands.md: "`id` is stable across runs; `track --item`
/// takes it").
///
/// An email is `mail:` + its Message-ID with angle brackets. A meeting occurrence is
/// `cal:` + UID, then for an occurrence of a recurring meeting `/` + its recurrence id in
/// UTC basic format (`20261123T100000Z`). In the UID, `%` and `/` are written `%25` and
/// `%2F`, so a UID can never be mistaken for a recurrence part.
public enum ItemID: Hashable, Sendable {
  case mail(messageId: String)
  case meeting(uid: String, recurrenceId: Date?)

  public init?(parsing text: String) {
    if text.hasPrefix("mail:") {
      let id = String(text.dropFirst(5))
      guard !id.isEmpty else { return nil }
      self = .mail(messageId: id)
    } else if text.hasPrefix("cal:") {
      let rest = String(text.dropFirst(4))
      guard !rest.isEmpty else { return nil }
      if let slash = rest.lastIndex(of: "/") {
        guard let date = ItemID.parseBasicUTC(String(rest[rest.index(after: slash)...])),
              slash != rest.startIndex else { return nil }
        self = .meeting(uid: ItemID.unescape(String(rest[..<slash])), recurrenceId: date)
      } else {
        self = .meeting(uid: ItemID.unescape(rest), recurrenceId: nil)
      }
    } else {
      return nil
    }
  }

  public var text: String {
    switch self {
    case .mail(let id): return "mail:\(id)"
    case .meeting(let uid, nil): return "cal:\(ItemID.escape(uid))"
    case .meeting(let uid, let rid?): return "cal:\(ItemID.escape(uid))/\(ItemID.basicUTC(rid))"
    }
  }

  static func escape(_ uid: String) -> String {
    uid.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
  }

  static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "%2F", with: "/").replacingOccurrences(of: "%2f", with: "/")
      .replacingOccurrences(of: "%25", with: "%")
  }

  /// `20261123T100000Z`.
  public static func basicUTC(_ date: Date) -> String {
    let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                  c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
  }

  static func parseBasicUTC(_ s: String) -> Date? {
    let u = Array(s.utf8)
    guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z") else { return nil }
    func num(_ r: Range<Int>) -> Int? {
      var v = 0
      for i in r {
        guard u[i] >= 48, u[i] <= 57 else { return nil }
        v = v * 10 + Int(u[i] - 48)
      }
      return v
    }
    guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8), let h = num(9..<11),
          let mi = num(11..<13), let se = num(13..<15) else { return nil }
    return utcCalendar.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi,
                                                 second: se))
  }

  static let utcCalendar: Calendar = {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: "UTC") ?? .gmt
    return c
  }()
}
