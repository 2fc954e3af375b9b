import Foundation

/// The attachments' contents: small but real files (the PDF opens in a viewer).
enum DemoDocuments {
  /// A one-page PDF 1.4 quote with a correct cross-reference table.
  static let quotePDF: Data = {
    let lines = [
      "Lumen Analytics - Quote Q-2026-118",
      "Customer: Mueller GmbH, Hamburg",
      "200 named licences x 12 months    EUR 86,400.00",
      "Onboarding                        EUR  4,500.00",
      "2 training days on site           EUR  3,200.00",
      "Total (excl. VAT)                 EUR 94,100.00",
      "Valid for 30 days.",
    ]
    var stream = "BT /F1 11 Tf 56 780 Td 14 TL\n"
    for line in lines { stream += "(\(line)) Tj T*\n" }
    stream += "ET\n"
    let objects = [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        + "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
      "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)endstream",
    ]
    var pdf = "%PDF-1.4\n"
    var offsets: [Int] = []
    for (index, body) in objects.enumerated() {
      offsets.append(pdf.utf8.count)
      pdf += "\(index + 1) 0 obj\n\(body)\nendobj\n"
    }
    let xref = pdf.utf8.count
    pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
    pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    return Data(pdf.utf8)
  }()

  /// A CSV export sample with umlauts (UTF-8, no byte order mark: the bug being reported).
  static let sampleCSV = Data("""
    Kunde;Ort;Umsatz
    Müller GmbH;Hamburg;86400
    Bäckerei Groß;Lübeck;1200
    Öko-Höfe Süd;München;5300

    """.utf8)

  static let renewalTerms = """
    Société Lumière - Lumen Analytics
    Conditions de renouvellement 2027

    Durée : 3 ans à compter du 1er février 2027
    Prix : 42 EUR par utilisateur et par mois
    Module de prévisions : inclus
    Résiliation : préavis de 90 jours avant chaque échéance annuelle

    """

  static let kickoffChecklist = """
    Fjordline rollout, phase 1: kickoff checklist
    [x] Dispatcher list (40 people)
    [x] SSO test account
    [ ] Vehicle feed credentials for Oslo
    [ ] Training room booked in Bergen

    """
}
