import Foundation

/// A deterministic synthetic Maildir of any size, with its ground truth: which messages name
/// each of a few sample address sets. Tests check the index against the truth; the benchmarks
/// measure on it.
///
/// Message `i` is a pure function of (seed, contacts, span, i), so a corpus is the same bytes
/// on every machine and a later run with `startIndex` set "delivers" messages that continue
/// it. Dates rise strictly with `i` across three years ending 2025-12-31, so the newest
/// messages of a set are its highest indexes. The mail is written to exercise the parsers as
/// real mail does: RFC 2047 names (B and Q), quoted and commented display names, addresses in
/// upper case, folded address lists, several date styles and zones, threads, mailing lists,
/// quoted-printable, base64 and multipart bodies, and some CRLF files.
public struct SyntheticMailbox: Sendable {
  public var seed: UInt64
  public var contactCount: Int
  /// One past the last message index written.
  public var messages: Int
  /// The first message index written (0 for a whole corpus).
  public var startIndex: Int
  /// The corpus size the dates are spread for; keep it when delivering more messages so
  /// their dates continue the corpus's.
  public var spanMessages: Int

  public init(seed: UInt64, contacts: Int, messages: Int, startIndex: Int = 0,
              spanMessages: Int? = nil) {
    self.seed = seed
    self.contactCount = max(contacts, 60)
    self.messages = messages
    self.startIndex = startIndex
    self.spanMessages = max(spanMessages ?? messages, 1)
  }

  /// The user's own addresses: what the generated mail is sent to and from.
  public static let ownerAddresses = ["morgan.whitfield@whitfield-consulting.com",
                                      "m.whitfield@fastmail.example"]

  /// Which messages name any address of each sample set in From, To or Cc.
  public struct Truth: Codable, Equatable, Sendable {
    public struct SetTruth: Codable, Equatable, Sendable {
      /// How many messages name an address of the set.
      public var matches: Int
      /// The Message-IDs (with angle brackets) of the 50 newest of them, newest first.
      public var newest50: [String]
    }
    public var owner: [String]
    public var messages: Int
    /// Sample sets, lowercase: `one` (a frequent contact), `one_rare`, `five` (five people
    /// of one company), `fifty` (contacts of every rank).
    public var sets: [String: [String]]
    public var truth: [String: SetTruth]
  }

  /// Writes messages `startIndex..<messages` into `maildir` (creating `cur`, `new`, `tmp`)
  /// and returns the truth over the messages written.
  @discardableResult
  public func write(into maildir: URL) throws -> Truth {
    let world = World(seed: seed, contacts: contactCount)
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    let sets = world.sampleSets(seed: seed)
    var found: [String: (count: Int, newest: [String])] = [:]
    for name in sets.keys { found[name] = (0, []) }
    let lowered = sets.mapValues(Set.init)
    let writer = MessageMaker(world: world, seed: seed, spanMessages: spanMessages)
    for i in startIndex..<max(startIndex, messages) {
      let message = writer.message(i)
      try Self.writeFile(message.bytes, to: maildir.appendingPathComponent(message.fileName).path)
      for (name, addresses) in lowered where !addresses.isDisjoint(with: message.addresses) {
        found[name]!.count += 1
        found[name]!.newest.append(message.messageID)
        if found[name]!.newest.count > 50 { found[name]!.newest.removeFirst() }
      }
    }
    return Truth(
      owner: Self.ownerAddresses, messages: messages, sets: sets,
      truth: found.mapValues { .init(matches: $0.count, newest50: $0.newest.reversed()) })
  }

  /// The message index of a file this generator wrote (`<seconds>.M<index>P<seed>.synthetic`,
  /// with or without its Maildir info), or nil for any other name.
  public static func messageIndex(fileName: String) -> Int? {
    guard let m = fileName.range(of: ".M"), let p = fileName[m.upperBound...].firstIndex(of: "P"),
          fileName.contains(".synthetic")
    else { return nil }
    return Int(fileName[m.upperBound..<p])
  }

  private static func writeFile(_ bytes: [UInt8], to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
      throw SyntheticMailboxError(path: path)
    }
  }
}

public struct SyntheticMailboxError: Error, CustomStringConvertible {
  public var path: String
  public var description: String { "cannot write \(path)" }
}

/// SplitMix64: small, fast and the same everywhere, which is all a corpus needs.
struct SeededRandom {
  private var state: UInt64
  init(_ parts: UInt64...) {
    var s: UInt64 = 0x9E37_79B9_7F4A_7C15
    for p in parts { s = SeededRandom.mix(s &+ p) }
    state = s
  }
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func next() -> UInt64 {
    state = state &+ 0x9E37_79B9_7F4A_7C15
    return SeededRandom.mix(state)
  }
  /// A number in 0..<1.
  mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
  mutating func pick<T>(_ list: [T]) -> T { list[below(list.count)] }
  mutating func chance(_ p: Double) -> Bool { unit() < p }
}

/// The people and places of a corpus, a pure function of (seed, contacts).
struct World {
  struct Contact {
    var first: String
    var last: String
    var address: String
    var name: String { "\(first) \(last)" }
  }
  var contacts: [Contact] = []
  var companyDomains: [String] = []
  var byDomain: [String: [Int]] = [:]
  /// Cumulative popularity weights (Zipf-like: contact k is about 1/(k+1) as popular).
  var cumulative: [Double] = []

  static let firstASCII = """
    James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony
    Mark Margaret Steven Ashley Paul Emily Andrew Donna Kevin Carol Brian Amanda George Laura
    Olivia Noah Leon Mia Felix Clara Hugo Ines Priya Omar Yuki Chen Amara Tariq Sofia Mateo
    """.split(whereSeparator: \.isWhitespace).map(String.init)
  static let lastASCII = """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Martinez Lopez Wilson Anderson
    Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young
    King Wright Scott Nguyen Hill Green Adams Baker Hall Rivera Campbell Mitchell Carter
    Roberts Evans Turner Parker Collins Reyes Morgan Cooper Bailey Kim Patel Schmidt Fischer
    Weber Dubois Moreau Rossi Bianchi Jansen Novak Horvat Okafor Haddad Silva Costa
    """.split(whereSeparator: \.isWhitespace).map(String.init)
  static let firstUnicode = ["José", "François", "Zoë", "Björn", "Łukasz", "Søren", "Renée",
                             "Jürgen", "Élodie", "Mária", "Ольга", "Ηλίας", "太郎", "美咲",
                             "지훈", "Ayşe", "Małgorzata", "Zoltán", "Ólafur", "Þóra"]
  static let lastUnicode = ["Müller", "Gómez", "Nuñez", "Ødegaard", "Wójcik", "Dvořák",
                            "Brontë", "Jørgensen", "Özdemir", "Lefèvre", "Иванов",
                            "Παπαδόπουλος", "山田", "佐藤", "김", "Nguyễn", "Åberg", "Großmann"]
  static let freemail = ["gmail.example", "outlook.example", "yahoo.example", "proton.example"]
  static let syllables = ["nor", "con", "fab", "lum", "tra", "vel", "sol", "mar", "ax", "qu",
                          "ber", "dyn", "gal", "hel", "ion", "kor", "pix", "zen", "ort", "ul"]
  static let suffixes = ["tech", "works", "labs", "corp", "media", "systems", "group", "soft",
                         "data", "logic", "trade", "wind", "ikam", "ora"]
  static let tlds = ["example", "example.com", "example.org", "test", "example.co.uk"]

  init(seed: UInt64, contacts count: Int) {
    var rng = SeededRandom(seed, UInt64(count), 1)
    var domains: [String] = []
    var seen = Set<String>()
    while domains.count < 300 {
      var d = rng.pick(Self.syllables) + (rng.chance(0.3) ? "-" : "") + rng.pick(Self.suffixes)
      if rng.chance(0.2) { d += String(1 + rng.below(99)) }
      d += "." + rng.pick(Self.tlds)
      if seen.insert(d).inserted { domains.append(d) }
    }
    companyDomains = domains
    var used = Set(SyntheticMailbox.ownerAddresses)
    var total = 0.0
    for k in 0..<count {
      let first = rng.chance(0.12) ? rng.pick(Self.firstUnicode) : rng.pick(Self.firstASCII)
      let last = rng.chance(0.12) ? rng.pick(Self.lastUnicode) : rng.pick(Self.lastASCII)
      let domain: String
      if rng.chance(0.25) {
        domain = rng.pick(Self.freemail)
      } else {
        // Lower-ranked domains are bigger companies: a skewed pick.
        let u = rng.unit()
        domain = domains[min(domains.count - 1, Int(u * u * u * Double(domains.count)))]
      }
      let f = Self.asciiLocal(first) ?? "user"
      let l = Self.asciiLocal(last) ?? "x\(10 + rng.below(990))"
      let style = rng.unit()
      var local: String
      switch style {
      case ..<0.45: local = "\(f).\(l)"
      case ..<0.65: local = "\(f.prefix(1))\(l)"
      case ..<0.75: local = "\(f)_\(l)"
      case ..<0.85: local = f
      case ..<0.93: local = "\(f)\(l.prefix(1))\(1 + rng.below(999))"
      default: local = "\(f).\(l)+\(rng.pick(["crm", "work", "news"]))"
      }
      local = local.lowercased()
      var address = "\(local)@\(domain)"
      var n = 2
      while used.contains(address) {
        address = "\(local)\(n)@\(domain)"
        n += 1
      }
      used.insert(address)
      contacts.append(Contact(first: first, last: last, address: address))
      byDomain[domain, default: []].append(k)
      total += 1 / pow(Double(k + 1), 1.05)
      cumulative.append(total)
    }
  }

  /// The name's letters when they are all ASCII, lowercased; nil otherwise.
  static func asciiLocal(_ name: String) -> String? {
    let folded = name.folding(options: .diacriticInsensitive, locale: nil)
      .replacingOccurrences(of: "ø", with: "o").replacingOccurrences(of: "ł", with: "l")
      .replacingOccurrences(of: "ß", with: "ss").replacingOccurrences(of: "Þ", with: "Th")
      .replacingOccurrences(of: "þ", with: "th").replacingOccurrences(of: "Ø", with: "O")
      .replacingOccurrences(of: "Ł", with: "L")
    guard !folded.isEmpty, folded.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic })
    else { return nil }
    return folded.lowercased()
  }

  /// A contact drawn by popularity.
  func popularContact(_ rng: inout SeededRandom) -> Int {
    let target = rng.unit() * cumulative[cumulative.count - 1]
    var low = 0
    var high = cumulative.count - 1
    while low < high {
      let mid = (low + high) / 2
      if cumulative[mid] < target { low = mid + 1 } else { high = mid }
    }
    return low
  }

  func sampleSets(seed: UInt64) -> [String: [String]] {
    var rng = SeededRandom(seed, 2)
    let n = contacts.count
    let one = [contacts[min(7, n - 1)].address]
    let rare = [contacts[n / 2].address]
    let company = byDomain.filter { !Self.freemail.contains($0.key) && $0.value.count >= 5 }
      .sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.first
    let five = company.map { Array($0.value.prefix(5)).map { contacts[$0].address } }
      ?? (0..<5).map { contacts[$0 * n / 5].address }
    var ranks: Set<Int> = [0, 3, 15]
    while ranks.count < min(50, n) { ranks.insert(rng.below(n)) }
    let fifty = ranks.sorted().map { contacts[$0].address }
    return ["one": one, "one_rare": rare, "five": five, "fifty": fifty]
  }
}

/// Renders message `i`.
struct MessageMaker {
  struct Message {
    var bytes: [UInt8]
    var fileName: String
    var messageID: String
    /// From, To and Cc, lowercase.
    var addresses: Set<String>
  }

  let world: World
  let seed: UInt64
  let start: Int
  let spacing: Double

  static let end = 1_767_225_599  // 2025-12-31T23:59:59Z
  static let span = 3 * 365 * 86_400

  init(world: World, seed: UInt64, spanMessages: Int) {
    self.world = world
    self.seed = seed
    start = Self.end - Self.span
    spacing = Double(Self.span) / Double(spanMessages)
  }

  /// Strictly rising with `i`: the jitter stays inside the message's own slot.
  func date(_ i: Int) -> Int {
    var rng = SeededRandom(seed, UInt64(i), 3)
    let slot = Int(Double(i) * spacing)
    return start + slot + rng.below(max(1, Int(spacing)))
  }

  func messageID(_ i: Int) -> String {
    let h = SeededRandom.mix(seed &* 1_000_003 &+ UInt64(i))
    let hex = String(h, radix: 16)
    let hosts = ["mail.gmail.example", "outlook.example", "whitfield-consulting.com",
                 "mx.fastmail.example", "localhost.localdomain"]
    switch h % 3 {
    case 0: return "<CA\(hex.uppercased())+\(String(i, radix: 16))@\(hosts[Int(h >> 8) % hosts.count])>"
    case 1: return "<\(hex.prefix(8))-\(hex.dropFirst(8)).\(i)@\(hosts[Int(h >> 8) % hosts.count])>"
    default: return "<\(hex).\(i)@\(hosts[Int(h >> 8) % hosts.count])>"
    }
  }

  enum Kind { case direct, list, notification }

  /// A message's thread parent, if it is a reply (always to an earlier message).
  func parent(_ i: Int) -> Int? {
    var rng = SeededRandom(seed, UInt64(i), 4)
    guard i > 0, rng.chance(0.35) else { return nil }
    return i - 1 - rng.below(min(i, 80))
  }

  func kind(_ i: Int) -> Kind {
    var rng = SeededRandom(seed, UInt64(i), 5)
    let x = rng.unit()
    return x < 0.12 ? .list : x < 0.22 ? .notification : .direct
  }

  static let topics = ["Proposal for {co}", "Q{q} pipeline review", "Renewal terms {y}",
                       "Invoice {n}", "Follow-up: demo with {co}", "Contract redlines v{v}",
                       "Pricing question", "Onboarding plan for {co}", "Security questionnaire",
                       "Lunch next week?", "Meeting notes", "Intro: {co} <> {co2}"]
  static let unicodeTopics = ["Devis n° {n} — révision", "Angebot für {co} – Übersicht",
                              "Презентация {co}", "見積もり {n} の件", "Reunión de seguimiento ✔",
                              "Café ☕ next week?"]
  static let words = """
    the of and to in is that for it as with be on not this are or from at which but have an
    they you were she there been one all we their has would when if so no will more about can
    out other what up into do only some could time these two may then first any like now such
    make over our even most after also made many did before back see through way where get
    much well your know should down work year because come people just say each those take
    day good how long great under last never left end along while might next below both few
    always show large often together until form keep once life enough took four head above
    """.split(whereSeparator: \.isWhitespace).map(String.init)

  func subject(root i: Int) -> String {
    var rng = SeededRandom(seed, UInt64(i), 6)
    var text = rng.chance(0.1) ? rng.pick(Self.unicodeTopics) : rng.pick(Self.topics)
    let co = String(rng.pick(world.companyDomains).prefix { $0.isLetter }).capitalized
    let co2 = String(rng.pick(world.companyDomains).prefix { $0.isLetter }).capitalized
    text = text.replacingOccurrences(of: "{co}", with: co)
      .replacingOccurrences(of: "{co2}", with: co2)
      .replacingOccurrences(of: "{n}", with: String(1000 + rng.below(99_000)))
      .replacingOccurrences(of: "{v}", with: String(1 + rng.below(9)))
      .replacingOccurrences(of: "{q}", with: String(1 + rng.below(4)))
      .replacingOccurrences(of: "{y}", with: String(2023 + rng.below(3)))
    return text
  }

  func message(_ i: Int) -> Message {
    var rng = SeededRandom(seed, UInt64(i), 7)
    let id = messageID(i)
    var root = i
    var chain: [Int] = []
    while let p = parent(root), chain.count < 10 {
      chain.append(p)
      root = p
    }
    let kind = kind(root)
    let owner = rng.chance(0.85) ? SyntheticMailbox.ownerAddresses[0]
      : SyntheticMailbox.ownerAddresses[1]
    let ownerMailbox = "Morgan Whitfield <\(owner)>"
    var from: String
    var to: [String] = []
    var cc: [String] = []
    var addresses: Set<String> = []
    var extra: [(String, String)] = []
    func person(_ k: Int) -> String {
      let c = world.contacts[k]
      addresses.insert(c.address)
      return render(c, &rng)
    }
    switch kind {
    case .notification:
      let (name, address) = rng.pick([("GitHub", "notifications@github.example"),
                                      ("Stripe", "receipts@stripe.example"),
                                      ("LinkedIn", "messages-noreply@linkedin.example")])
      from = "\(name) <\(address)>"
      addresses.insert(address)
      to = [ownerMailbox]
      addresses.insert(owner)
      extra.append(("Auto-Submitted", "auto-generated"))
    case .list:
      let (name, host) = rng.pick([("dev", "opensource.example"), ("announce", "debian.example"),
                                   ("sales-team", "whitfield-consulting.com")])
      let list = "\(name)@lists.\(host)"
      from = person(world.popularContact(&rng))
      to = [list]
      addresses.insert(list)
      extra.append(("List-Id", "\(name.capitalized) <\(name).lists.\(host)>"))
      extra.append(("Precedence", "list"))
    case .direct:
      let main = person(world.popularContact(&rng))
      var others: [String] = []
      for _ in 0..<(rng.chance(0.3) ? 1 + rng.below(4) : 0) {
        others.append(person(world.popularContact(&rng)))
      }
      addresses.insert(owner)
      if rng.chance(0.55) {
        from = main
        to = [ownerMailbox]
        cc = others
      } else {
        from = ownerMailbox
        to = [main] + others.prefix(1)
        cc = Array(others.dropFirst())
      }
    }
    var subject = subject(root: root)
    if !chain.isEmpty { subject = (rng.chance(0.8) ? "Re: " : "RE: ") + subject }

    var header: [(String, String)] = [
      ("Return-Path", "<bounce-\(i)@mx.example>"),
      ("Received", "from mx.example (mx.example [192.0.2.1])\n\tby mail.example with ESMTPS; "
        + dateText(i, &rng)),
      ("Date", dateText(i, &rng)),
      ("From", from),
    ]
    if !to.isEmpty { header.append(("To", to.joined(separator: ", "))) }
    if !cc.isEmpty { header.append(("Cc", cc.joined(separator: ", "))) }
    header.append(("Subject", encodeSubject(subject, &rng)))
    header.append(("Message-ID", id))
    if let p = chain.first {
      header.append(("In-Reply-To", messageID(p)))
      header.append(("References", chain.reversed().map(messageID).joined(separator: " ")))
    }
    header.append(("MIME-Version", "1.0"))
    header += extra

    let boundary = "=_b\(String(SeededRandom.mix(UInt64(i) &+ seed), radix: 36))"
    let text = paragraphs(&rng)
    let shape = rng.unit()
    var body: String
    switch shape {
    case ..<0.55:
      header.append(("Content-Type", "text/plain; charset=us-ascii"))
      body = text
    case ..<0.65:
      header.append(("Content-Type", "text/plain; charset=utf-8"))
      header.append(("Content-Transfer-Encoding", "quoted-printable"))
      body = MailWriter.quotedPrintable("Grüße — \(text)")
    case ..<0.92:
      header.append(("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""))
      let html = "<html><body><p>" + text.replacingOccurrences(of: "\n\n", with: "</p><p>")
        + "</p></body></html>"
      body = "--\(boundary)\nContent-Type: text/plain; charset=us-ascii\n\n\(text)\n"
        + "--\(boundary)\nContent-Type: text/html; charset=utf-8\n"
        + "Content-Transfer-Encoding: base64\n\n" + MailWriter.base64Lines(Data(html.utf8))
        + "--\(boundary)--"
    default:
      header.append(("Content-Type", "multipart/mixed; boundary=\"\(boundary)\""))
      let attachment = Data((0..<(200 + rng.below(2000))).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
      body = "--\(boundary)\nContent-Type: text/plain; charset=us-ascii\n\n\(text)\n"
        + "--\(boundary)\nContent-Type: application/pdf; name=\"quote-\(i).pdf\"\n"
        + "Content-Disposition: attachment; filename=\"quote-\(i).pdf\"\n"
        + "Content-Transfer-Encoding: base64\n\n" + MailWriter.base64Lines(attachment)
        + "--\(boundary)--"
    }
    var message = header.map { MailWriter.fold("\($0.0): \($0.1)") }.joined(separator: "\n")
      + "\n\n" + body + "\n"
    if rng.chance(0.03) { message = message.replacingOccurrences(of: "\n", with: "\r\n") }

    let seconds = date(i)
    let flags = rng.pick(["S", "S", "RS", "FS", ""])
    let name = rng.chance(0.1)
      ? "new/\(seconds).M\(i)P\(seed).synthetic"
      : "cur/\(seconds).M\(i)P\(seed).synthetic:2,\(flags)"
    return Message(bytes: Array(message.utf8), fileName: name, messageID: id,
                   addresses: addresses)
  }

  /// One mailbox, written in one of the ways mailers write them.
  func render(_ c: World.Contact, _ rng: inout SeededRandom) -> String {
    var address = c.address
    let r = rng.unit()
    if r < 0.03 {
      address = address.uppercased()
    } else if r < 0.05, let at = address.firstIndex(of: "@") {
      address = address[..<at].capitalized + "@" + address[address.index(after: at)...].capitalized
    }
    let ascii = c.name.unicodeScalars.allSatisfy(\.isASCII)
    let s = rng.unit()
    switch s {
    case ..<0.06: return address
    case ..<0.09: return "<\(address)>"
    case ..<0.11 where ascii: return "\(address) (\(c.name))"
    case ..<0.22 where ascii: return "\"\(c.last), \(c.first)\" <\(address)>"
    case ..<0.30 where ascii: return "\"\(c.name)\" <\(address)>"
    case ..<0.35 where ascii: return "'\(c.name)' <\(address)>"
    default: break
    }
    if ascii { return "\(c.name) <\(address)>" }
    if s < 0.5 { return qEncoded(c.name) + " <\(address)>" }
    return MailWriter.encodeWords(c.name).replacingOccurrences(of: "\n", with: "") + " <\(address)>"
  }

  /// RFC 2047 Q encoding of the whole text as one word.
  func qEncoded(_ text: String) -> String {
    var out = "=?utf-8?q?"
    for byte in text.utf8 {
      switch byte {
      case 0x20: out += "_"
      case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: out.unicodeScalars.append(Unicode.Scalar(byte))
      default: out += String(format: "=%02X", byte)
      }
    }
    return out + "?="
  }

  func encodeSubject(_ subject: String, _ rng: inout SeededRandom) -> String {
    if subject.unicodeScalars.allSatisfy(\.isASCII) { return subject }
    return rng.chance(0.5) ? qEncoded(subject) : MailWriter.encodeWords(subject)
  }

  static let zones: [(String, String?)] = [
    ("+0000", "UTC"), ("+0000", "GMT"), ("+0100", "CET"), ("+0200", "CEST"), ("-0500", "EST"),
    ("-0400", "EDT"), ("-0800", "PST"), ("-0700", "PDT"), ("+0530", nil), ("+0900", "JST"),
    ("-0330", nil), ("+1000", nil),
  ]
  static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec"]

  /// Message `i`'s date in one of the styles seen in the wild, all meaning the same instant.
  func dateText(_ i: Int, _ rng: inout SeededRandom) -> String {
    let (offset, name) = rng.pick(Self.zones)
    let sign = offset.hasPrefix("-") ? -1 : 1
    let hours = Int(offset.dropFirst().prefix(2))!
    let minutes = Int(offset.suffix(2))!
    let local = date(i) + sign * (hours * 3600 + minutes * 60)
    let days = local / 86_400
    let secondsOfDay = local % 86_400
    let civil = CivilDate(dayNumber: days)
    let (y, d) = (civil.year, civil.day)
    let dow = Self.weekdays[civil.weekday]
    let mon = Self.months[civil.month - 1]
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let hms = "\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))"
    let dd = d < 10 ? "0\(d)" : "\(d)"
    let spaced = d < 10 ? " \(d)" : "\(d)"
    let style = rng.unit()
    switch style {
    case ..<0.55: return "\(dow), \(dd) \(mon) \(y) \(hms) \(offset)"
    case ..<0.70: return "\(dow), \(d) \(mon) \(y) \(hms) \(offset)" + (name.map { " (\($0))" } ?? "")
    case ..<0.80: return "\(d) \(mon) \(y) \(hms) \(offset)"
    case ..<0.88 where offset == "+0000": return "\(dow), \(d) \(mon) \(y) \(hms) GMT"
    case ..<0.93: return "\(dow), \(spaced) \(mon) \(y) \(hms) \(offset)"
    case ..<0.98: return "\(dow),  \(d) \(mon) \(y) \(hms) \(offset)"
    default: return "\(dow), \(dd) \(mon) \(y % 100) \(hms) \(offset)"
    }
  }

  func paragraphs(_ rng: inout SeededRandom) -> String {
    var paragraphs: [String] = []
    for _ in 0..<(1 + rng.below(4)) {
      var line = ""
      var lines: [String] = []
      let count = 8 + rng.below(60)
      for k in 0..<count {
        var w = rng.pick(Self.words)
        if k == 0 { w = w.capitalized }
        if line.count + w.count + 1 > 72 {
          lines.append(line)
          line = w
        } else {
          line = line.isEmpty ? w : line + " " + w
        }
      }
      lines.append(line + ".")
      paragraphs.append(lines.joined(separator: "\n"))
    }
    return paragraphs.joined(separator: "\n\n")
  }
}
