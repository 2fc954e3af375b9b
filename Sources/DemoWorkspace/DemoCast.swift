import Foundation

/// A person who writes or receives demo mail: display name, address, and home time zone.
struct DemoPerson: Hashable, Sendable {
  let name: String
  let address: String
  let zone: DemoZone

  var domain: String {
    address.split(separator: "@").last.map(String.init) ?? address
  }
}

/// Everyone in the demo: the seller team at Lumen Analytics and the people they sell to.
///
/// All domains end in `.example` (RFC 2606) so nothing in the demo can reach a real inbox.
/// Names cover several scripts on purpose: accents, a decomposed combining mark, Japanese,
/// Chinese and Arabic, so every layer that shows text meets them.
enum Cast {
  static let sellerDomain = "lumen.example"

  // The seller team.
  static let dana = DemoPerson(name: "Dana Reyes", address: "dana@lumen.example", zone: .user)
  /// Dana's second address: mail to either is hers (outgoing when From is either).
  static let danaAlias = DemoPerson(
    name: "Dana Reyes", address: "dana.reyes@lumen.example", zone: .user)
  static let sam = DemoPerson(
    name: "Sam Okafor", address: "sam.okafor@lumen.example", zone: .user)
  static let jonas = DemoPerson(
    name: "Jonas Lindqvist", address: "jonas@lumen.example", zone: .user)

  // Müller GmbH (Hamburg).
  static let klaus = DemoPerson(
    name: "Klaus Müller", address: "klaus.mueller@mueller-gmbh.example", zone: .centralEurope)
  static let joerg = DemoPerson(
    name: "Jörg Weiß", address: "joerg.weiss@mueller-gmbh.example", zone: .centralEurope)
  static let anja = DemoPerson(
    name: "Anja Schäfer", address: "anja.schaefer@mueller-gmbh.example", zone: .centralEurope)
  /// The account's general address, which sends the customer newsletter.
  static let muellerInfo = DemoPerson(
    name: "Müller GmbH", address: "info@mueller-gmbh.example", zone: .centralEurope)
  static let muellerSupport = DemoPerson(
    name: "Müller IT-Support", address: "it-support@mueller-gmbh.example", zone: .centralEurope)

  // Société Lumière (Lyon), fictional.
  static let renee = DemoPerson(
    name: "Renée Dubois", address: "renee.dubois@societe-lumiere.example", zone: .centralEurope)
  /// Renée's personal address: her contact record lists it second.
  static let reneePersonal = DemoPerson(
    name: "Renée Dubois", address: "renee.d@mail.example", zone: .centralEurope)
  static let francois = DemoPerson(
    name: "François Lefèvre", address: "francois.lefevre@societe-lumiere.example",
    zone: .centralEurope)

  // 桜電機株式会社 / Sakura Denki (Osaka), fictional.
  static let yamada = DemoPerson(
    name: "山田 花子", address: "hanako.yamada@sakura-denki.example", zone: .fixed(minutes: 540))
  static let liWei = DemoPerson(
    name: "李伟", address: "li.wei@sakura-denki.example", zone: .fixed(minutes: 540))
  /// The person in the Sakura lead's Contact section (not a contact record).
  static let kenji = DemoPerson(
    name: "佐藤 健二", address: "kenji.sato@sakura-denki.example", zone: .fixed(minutes: 540))

  // Fjordline Logistics (Bergen).
  /// The pilot's dispatch desk, which mails Dana a report every working day: its contact
  /// record has more emails than a timeline shows at once ("50 newest of 60").
  static let dispatch = DemoPerson(
    name: "Fjordline dispatch desk", address: "dispatch@fjordline.example",
    zone: .centralEurope)
  static let ingrid = DemoPerson(
    name: "Ingrid Halvorsen", address: "ingrid.halvorsen@fjordline.example",
    zone: .centralEurope)
  /// "Zoë" spelled with a combining diaeresis (U+0308), as some systems send it.
  static let zoe = DemoPerson(
    name: "Zoe\u{0308} Okonkwo", address: "zoe.okonkwo@fjordline.example", zone: .centralEurope)
  static let omar = DemoPerson(
    name: "عمر الفارسي", address: "omar.alfarsi@fjordline.example", zone: .centralEurope)
  static let sven = DemoPerson(
    name: "Sven Ødegaard", address: "sven.odegaard@fjordline.example", zone: .centralEurope)
  /// An independent consultant: a stakeholder with no parent account.
  static let priya = DemoPerson(
    name: "Priya Natarajan", address: "priya@natarajan-consulting.example",
    zone: .fixed(minutes: 0))

  // Leads.
  static let boChen = DemoPerson(
    name: "Bo Chen", address: "bo.chen@harborbikes.example", zone: .fixed(minutes: -480))
  static let harborSales = DemoPerson(
    name: "Harbor Bikes Sales", address: "sales@harborbikes.example", zone: .fixed(minutes: -480))
  static let ines = DemoPerson(
    name: "Inés Ortega", address: "ines@cafeole.example", zone: .centralEurope)

  /// Müller's outside buyer: on no record, she answers the tracked quote.
  static let hanna = DemoPerson(
    name: "Hanna Vogt", address: "hanna@vogt-beschaffung.example", zone: .centralEurope)

  // Nothing to do with any record.
  static let newsletter = DemoPerson(
    name: "SaaS Weekly", address: "news@saasweekly.example", zone: .fixed(minutes: -300))
  static let airline = DemoPerson(
    name: "SkyAir Bookings", address: "noreply@skyair.example", zone: .fixed(minutes: 0))
}
