import Foundation

/// Dana's mailbox: some sixty days of a seller's mail with her customers, colleagues and a
/// few senders that belong to no record.
///
/// Each message is written to exercise one thing the product must get right (a thread, a
/// quoted-printable body, an encoded subject, an attachment name in RFC 2231 or RFC 2047, an
/// HTML-only body, a copy in two folders, a message in Trash or Drafts that must not be
/// captured). The keys named here are what the CRM file and the manifest point at.
enum DemoMailbox {
  /// The quote Dana sent Müller: tracked in the CRM file, copied in Sent and Archive.
  static let trackedQuoteKey = "lumen-q2026-118.7f3a"
  /// Renée's counter-proposal: the demo puts it in "Tracking pending".
  static let pendingKey = "CAE3w9Hq1.renouvellement.contre"
  /// Yamada's delivery-date message: the demo marks its tracking as failed.
  static let failedKey = "20261104.nouki.a81c"
  /// A message that the demo puts in Trash: related (From Klaus) but never captured.
  static let trashKey = "ooo.klaus.4401"
  /// Dana's unfinished draft to Renée: related but never captured.
  static let draftKey = "draft.lumen.remise.0b2e"
  /// Hanna Vogt, Müller's outside buyer whom no record knows, answers the tracked quote: on
  /// the opportunity as a reply to tracked mail.
  static let replyToTrackedKey = "hv.angebot.freigabe"
  /// Jörg's integration questions: Sam tracked them on the CSV case (DemoCRM), so Müller's
  /// opportunity shows them as tracked elsewhere.
  static let trackedElsewhereKey = "jw.integration.fragen"
  /// Müller's general mailbox, on the account's record, sends only its newsletter: Dana
  /// excludes it (DemoCRM), so the newsletter is on no timeline, and `why` says so.
  static let excludedSender = Cast.muellerInfo
  static let excludedNewsletterKey = "mueller.newsletter.2026-12"

  static let quoteAttachment = DemoAttachment(
    name: "Angebot_Q-2026-118_Müller.pdf", contentType: "application/pdf",
    data: DemoDocuments.quotePDF, nameEncoding: .rfc2231)

  static var messages: [DemoMail] {
    mueller + societe + sakura + fjordline + leads + colleagues + unrelated + neverCaptured
      + dispatchReports
  }

  /// How many reports the dispatch desk sent: more than the 50 a timeline shows at once.
  static let dispatchReportCount = 60

  /// The Bergen pilot's daily dispatch reports, one per working day, newest yesterday.
  static var dispatchReports: [DemoMail] {
    (0..<dispatchReportCount).map { n in
      DemoMail(
        key: "bergen-dispatch.\(n + 1)", folders: [.inbox], daysAgo: 1 + n * 56 / 60,
        time: (6, 30 + n % 20), from: Cast.dispatch, to: [Cast.dana],
        subject: "Bergen pilot: dispatch report \(dispatchReportCount - n)",
        body: .plain("""
          Dispatches yesterday: \(40 + n % 17). Late pickups: \(n % 4).

          Fjordline dispatch desk

          """))
    }
  }

  // MARK: Müller GmbH: an opportunity and a support case.

  static let mueller: [DemoMail] = [
    DemoMail(
      key: excludedNewsletterKey, folders: [.inbox], daysAgo: 3, time: (7, 0),
      from: excludedSender, to: [Cast.dana], subject: "Müller GmbH Kundenbrief Dezember",
      body: .plain("""
        Liebe Kundinnen und Kunden,

        unser Lager in Hamburg-Billbrook ist zwischen den Feiertagen geschlossen.

        Müller GmbH

        """),
      extraHeaders: [("List-Unsubscribe", "<mailto:info@mueller-gmbh.example?subject=abmelden>")]),
    DemoMail(
      key: "9e1d.anfrage.lizenzen", folders: [.archive], daysAgo: 55, time: (9, 12),
      from: Cast.klaus, to: [Cast.dana], subject: "Anfrage: 200 Lizenzen für Müller GmbH",
      rawSubject: "=?ISO-8859-1?Q?Anfrage:_200_Lizenzen_f=FCr_M=FCller_GmbH?=",
      body: .quotedPrintable("""
        Sehr geehrte Frau Reyes,

        wir prüfen derzeit eine Lösung für die Auswertung unserer Lieferketten und würden gern \
        ein Angebot über 200 Lizenzen einholen. Größere Schulungen wären ebenfalls gewünscht.

        Könnten Sie uns bis Ende des Monats ein Angebot schicken? Für Rückfragen stehe ich \
        gern zur Verfügung.

        Mit freundlichen Grüßen
        Klaus Müller
        Leiter Einkauf, Müller GmbH

        """)),
    DemoMail(
      key: "lumen-re-anfrage.01", folders: [.archive], daysAgo: 54, time: (16, 40),
      from: Cast.dana, to: [Cast.klaus], cc: [Cast.joerg],
      subject: "Re: Anfrage: 200 Lizenzen für Müller GmbH", parent: "9e1d.anfrage.lizenzen",
      body: .plain("""
        Hello Mr Müller,

        Thank you for reaching out. I've copied Jörg Weiß, who I understand looks after your
        data platform, so we can start with a short technical call next week.

        I will send a first quote once we have agreed on the scope.

        Best regards,
        Dana Reyes
        Account Executive, Lumen Analytics

        """)),
    DemoMail(
      key: "9e1d.anfrage.lizenzen.re2", folders: [.archive], daysAgo: 52, time: (8, 5),
      from: Cast.klaus, to: [Cast.dana], cc: [Cast.joerg],
      subject: "Re: Anfrage: 200 Lizenzen für Müller GmbH", parent: "lumen-re-anfrage.01",
      body: .plain("""
        Hallo Frau Reyes,

        Dienstag 10 Uhr passt uns gut. Herr Weiß bringt die Fragen zur Integration mit.

        Grüße
        Klaus Müller

        """)),
    DemoMail(
      key: trackedQuoteKey, folders: [.sent, .archive], daysAgo: 20, time: (11, 30),
      from: Cast.dana, to: [Cast.klaus], cc: [Cast.joerg],
      subject: "Quote Q-2026-118 for Müller GmbH",
      body: .mixed("""
        Dear Mr Müller,

        Please find attached our quote Q-2026-118 for 200 named licences, onboarding and two
        training days in Hamburg. The quote is valid for 30 days.

        Kind regards,
        Dana

        """, [quoteAttachment])),
    DemoMail(
      key: "9e1d.quote.rueckfrage", folders: [.inbox], daysAgo: 18, time: (10, 2),
      from: Cast.klaus, to: [Cast.dana], subject: "Re: Quote Q-2026-118 for Müller GmbH",
      parent: trackedQuoteKey,
      body: .plain("""
        Hallo Frau Reyes,

        danke für das Angebot. Wir haben intern noch eine Frage zu den Schulungstagen: können
        diese auch remote stattfinden? Dann würden wir die Reisekosten sparen.

        Viele Grüße
        Klaus Müller

        """)),
    DemoMail(
      key: replyToTrackedKey, folders: [.inbox], daysAgo: 17, time: (15, 40),
      from: Cast.hanna, to: [Cast.dana], subject: "Re: Quote Q-2026-118 for Müller GmbH",
      parent: trackedQuoteKey,
      body: .plain("""
        Dear Ms Reyes,

        I handle procurement for Müller GmbH as their outside buyer. The quote is approved on
        our side subject to the training days; please send the order form to me directly.

        Best regards,
        Hanna Vogt
        Vogt Beschaffung

        """)),
    DemoMail(
      key: trackedElsewhereKey, folders: [.inbox], daysAgo: 15, time: (14, 20),
      from: Cast.joerg, to: [Cast.dana], cc: [Cast.klaus],
      subject: "Technische Fragen zur Integration",
      body: .plain("""
        Hallo Dana,

        drei Punkte vor dem Workshop:
        1. Unterstützt ihr SSO über SAML?
        2. Wo liegen die Daten (EU-Rechenzentrum)?
        3. Gibt es eine API für den Export der Berichte?

        Gruß, Jörg

        """)),
    DemoMail(
      key: "lumen-re-integration.02", folders: [.sent], daysAgo: 14, time: (9, 45),
      from: Cast.dana, to: [Cast.joerg], cc: [Cast.sam],
      subject: "Re: Technische Fragen zur Integration", parent: "jw.integration.fragen",
      body: .plain("""
        Hi Jörg,

        1. Yes, SAML 2.0 and OIDC.
        2. Frankfurt, with a backup in Dublin.
        3. Yes; Sam (cc) will send you the API documentation today.

        Dana

        > drei Punkte vor dem Workshop:
        > 1. Unterstützt ihr SSO über SAML?

        """)),
    DemoMail(
      key: "as.csv.umlaute", folders: [.inbox], daysAgo: 9, time: (8, 55),
      from: Cast.anja, to: [Cast.dana], cc: [Cast.muellerSupport],
      subject: "Export nach CSV: Umlaute kaputt",
      body: .mixed("""
        Hallo Frau Reyes,

        beim CSV-Export aus dem Testzugang werden Umlaute falsch dargestellt ("MÃ¼ller" statt
        "Müller"). Eine Beispieldatei hänge ich an.

        Viele Grüße
        Anja Schäfer
        IT-Support, Müller GmbH

        """, [DemoAttachment(
          name: "Beispiel_Ümlaute.csv", contentType: "text/csv; charset=utf-8",
          data: DemoDocuments.sampleCSV, nameEncoding: .rfc2047)])),
    DemoMail(
      key: "lumen-re-csv.03", folders: [.sent], daysAgo: 8, time: (10, 15),
      from: Cast.dana, to: [Cast.anja], cc: [Cast.sam],
      subject: "Re: Export nach CSV: Umlaute kaputt", parent: "as.csv.umlaute",
      body: .plain("""
        Hello Ms Schäfer,

        Thank you for the sample. We can reproduce it: the export omits the UTF-8 byte order
        mark that Excel expects. Sam is on it and will keep you posted.

        Dana

        """)),
    DemoMail(
      key: "as.csv.umlaute.re", folders: [.inbox], daysAgo: 3, time: (15, 35), unread: true,
      from: Cast.anja, to: [Cast.dana], cc: [Cast.sam],
      subject: "Re: Export nach CSV: Umlaute kaputt", parent: "lumen-re-csv.03",
      body: .plain("""
        Danke! Mit der Testversion von gestern sieht alles richtig aus.

        Anja

        """)),
    DemoMail(
      key: "9e1d.vor-ort", folders: [.inbox], daysAgo: 5, time: (11, 10),
      from: Cast.klaus, to: [Cast.danaAlias], subject: "Termin vor Ort / on-site visit",
      body: .plain("""
        Hallo Dana,

        wie besprochen erwarten wir Sie zum Workshop bei uns in Hamburg. Der Empfang ist ab
        8:30 Uhr besetzt; bitte melden Sie sich dort.

        Klaus

        """)),
    DemoMail(
      key: "lumen-agenda-weekly.04", folders: [.sent], daysAgo: 2, time: (17, 5),
      from: Cast.dana, to: [Cast.klaus, Cast.joerg],
      subject: "Agenda for our weekly sync",
      body: .plain("""
        Hi both,

        Agenda for this week:
        - training days: remote or on site?
        - SSO set-up
        - CSV export fix (Anja's ticket)

        Dana

        """)),
  ]

  // MARK: Société Lumière: a renewal and a pilot project.

  static let societe: [DemoMail] = [
    DemoMail(
      key: "CAE3w9Hq0.renouvellement", folders: [.archive], daysAgo: 45,
      time: (10, 30), from: Cast.renee, to: [Cast.dana],
      subject: "Renouvellement 2027 — questions",
      body: .html("""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Renouvellement</title></head>
        <body style="font-family: Arial, sans-serif">
        <p>Bonjour Dana,</p>
        <p>Notre contrat arrive à échéance le <b>31 janvier</b>. Avant de renouveler, nous \
        aimerions clarifier&nbsp;:</p>
        <ul>
        <li>le prix par utilisateur au-delà de 150 licences&nbsp;;</li>
        <li>l'accès au module de prévisions&nbsp;;</li>
        <li>les conditions de résiliation.</li>
        </ul>
        <p>Vous trouverez nos chiffres sur <a href="https://societe-lumiere.example/kpi">notre \
        tableau de bord</a>.</p>
        <p>Bien cordialement,<br>Renée Dubois<br><i>Directrice des achats</i></p>
        </body></html>

        """)),
    DemoMail(
      key: "lumen-re-renouvellement.05", folders: [.archive], daysAgo: 44, time: (9, 0),
      from: Cast.dana, to: [Cast.renee], subject: "Re: Renouvellement 2027 — questions",
      parent: "CAE3w9Hq0.renouvellement",
      body: .plain("""
        Bonjour Renée,

        Thank you, I'll prepare an answer on all three points with our pricing team and come
        back to you before the end of next week.

        Bien à vous,
        Dana

        """)),
    DemoMail(
      key: "fl.pilote.acces", folders: [.inbox], daysAgo: 30, time: (13, 50),
      from: Cast.francois, to: [Cast.dana], cc: [Cast.renee],
      subject: "Pilote : accès pour l'équipe",
      body: .quotedPrintable("""
        Bonjour Dana,

        Pour le pilote, pourriez-vous créer des accès pour les cinq personnes de l'équipe \
        « Prévisions » ? La liste suit. Merci d'avance et bonne journée à vous.

        François Lefèvre
        Responsable données, Société Lumière

        """)),
    DemoMail(
      key: "lumen-re-pilote.06", folders: [.sent], daysAgo: 29, time: (16, 20),
      from: Cast.dana, to: [Cast.francois],
      subject: "Re: Pilote : accès pour l'équipe", parent: "fl.pilote.acces",
      body: .plain("""
        Bonjour François,

        Done: the five invitations went out this morning. They are valid for seven days.

        Dana

        """)),
    DemoMail(
      key: "CAE3w9Hq2.dejeuner", folders: [.inbox], daysAgo: 12, time: (19, 5),
      from: Cast.reneePersonal, to: [Cast.dana], subject: "Déjeuner à Lyon ?",
      body: .plain("""
        Dana,

        Je serai à Lyon jeudi prochain ; un déjeuner rapide près de la Part-Dieu ?

        Renée

        """)),
    DemoMail(
      key: pendingKey, folders: [.inbox], daysAgo: 6, time: (9, 40),
      from: Cast.renee, to: [Cast.dana], cc: [Cast.francois],
      subject: "Re: Renouvellement 2027 — contre-proposition",
      parent: "lumen-re-renouvellement.05",
      body: .plain("""
        Bonjour Dana,

        Merci pour votre proposition. Nous pourrions signer pour trois ans à 42 € par
        utilisateur et par mois, module de prévisions inclus. Est-ce envisageable ?

        Cordialement,
        Renée Dubois

        """)),
    DemoMail(
      key: "lumen-contrat-final.07", folders: [.sent], daysAgo: 1, time: (16, 25),
      from: Cast.dana, to: [Cast.renee], cc: [Cast.francois],
      subject: "Contrat de renouvellement — version finale",
      body: .mixed("""
        Bonjour Renée,

        Please find attached the final terms as we discussed: three years, forecasting module
        included. If everything is in order I will send the contract for e-signature.

        Bien à vous,
        Dana

        """, [DemoAttachment(
          name: "conditions-renouvellement-2027.txt", contentType: "text/plain; charset=utf-8",
          data: Data(DemoDocuments.renewalTerms.utf8), nameEncoding: .plain)])),
  ]

  // MARK: Sakura Denki: a lead that became an opportunity.

  static let sakura: [DemoMail] = [
    DemoMail(
      key: "20260925.mitsumori.k5", folders: [.archive], daysAgo: 58, time: (2, 30),
      from: Cast.kenji, to: [Cast.dana], subject: "見積もりの件",
      body: .base64("""
        Reyes様

        お世話になっております。桜電機の佐藤です。
        貴社の分析サービスについて、50ユーザー分の見積もりをお願いできますでしょうか。

        よろしくお願いいたします。
        佐藤 健二

        """)),
    DemoMail(
      key: "lumen-re-mitsumori.08", folders: [.archive], daysAgo: 57, time: (18, 10),
      from: Cast.dana, to: [Cast.kenji], subject: "Re: 見積もりの件",
      parent: "20260925.mitsumori.k5",
      body: .plain("""
        佐藤様

        Thank you for your enquiry. I'll send a quote for 50 users this week. Could you tell
        me which departments will use the service?

        Dana Reyes

        """)),
    DemoMail(
      key: "20261029.mitsumori.kaitei", folders: [.inbox], daysAgo: 25, time: (3, 15),
      from: Cast.yamada, to: [Cast.dana], cc: [Cast.liWei],
      subject: "見積もりの件（改訂版）/ Revised quote request",
      body: .plain("""
        Reyes様

        営業部の山田です。佐藤から引き継ぎました。
        ユーザー数を80名に増やした見積もりをいただけますか。

        Best regards,
        山田 花子

        """)),
    DemoMail(
      key: "lumen-re-kaitei.09", folders: [.sent], daysAgo: 24, time: (17, 30),
      from: Cast.dana, to: [Cast.yamada], cc: [Cast.liWei],
      subject: "Re: 見積もりの件（改訂版）/ Revised quote request",
      parent: "20261029.mitsumori.kaitei",
      body: .plain("""
        山田様

        Thank you. The revised quote for 80 users follows tomorrow, with the volume discount.

        Dana

        """)),
    DemoMail(
      key: "liwei.migration.q", folders: [.inbox], daysAgo: 10, time: (4, 0),
      from: Cast.liWei, to: [Cast.danaAlias], subject: "关于数据迁移的问题",
      body: .plain("""
        Dana 您好，

        我们想了解一下从旧系统迁移历史数据的流程，大约有五年的数据。
        请问需要多长时间？

        谢谢！
        李伟

        """)),
    DemoMail(
      key: "lumen-re-migration.10", folders: [.sent], daysAgo: 9, time: (9, 30),
      from: Cast.danaAlias, to: [Cast.liWei], subject: "Re: 关于数据迁移的问题",
      parent: "liwei.migration.q",
      body: .plain("""
        Hi Li Wei,

        Five years of history usually takes two to three weeks, including validation. I'll
        ask our migration team for a plan.

        Dana

        """)),
    DemoMail(
      key: failedKey, folders: [.inbox], daysAgo: 4, time: (1, 45),
      from: Cast.yamada, to: [Cast.dana], subject: "納期について",
      body: .plain("""
        Reyes様

        導入の納期について確認させてください。
        12月中旬の稼働開始は可能でしょうか。

        山田

        """)),
  ]

  // MARK: Fjordline Logistics: a launch, a support case and a rollout project.

  static let fjordline: [DemoMail] = [
    DemoMail(
      key: "ih.launchplan.1", folders: [.inbox], daysAgo: 40, time: (8, 30),
      from: Cast.ingrid, to: [Cast.dana], subject: "🚀 Launch plan",
      body: .plain("""
        Hi Dana,

        Here is our draft launch plan: pilot in Bergen in week 2, then Oslo and Trondheim.
        Can Lumen support a go-live with 40 dispatchers?

        Ingrid

        """)),
    DemoMail(
      key: "lumen-re-launch.11", folders: [.sent], daysAgo: 39, time: (12, 0),
      from: Cast.dana, to: [Cast.ingrid], cc: [Cast.zoe], subject: "Re: 🚀 Launch plan",
      parent: "ih.launchplan.1",
      body: .plain("""
        Hi Ingrid,

        Yes, 40 dispatchers is well within a standard rollout. I've copied Zoë, who will be
        our technical contact on your side.

        Dana

        """)),
    DemoMail(
      key: "zo.feed.delay", folders: [.inbox], daysAgo: 16, time: (7, 50),
      from: Cast.zoe, to: [Cast.dana], subject: "Tracking feed is 20 min behind",
      body: .plain("""
        Hi Dana,

        Since Monday the vehicle tracking feed in the dashboard lags about 20 minutes behind.
        Dispatchers have noticed. Could your support team take a look?

        Zoë

        """)),
    DemoMail(
      key: "lumen-re-feed.12", folders: [.sent], daysAgo: 15, time: (8, 40),
      from: Cast.dana, to: [Cast.zoe], cc: [Cast.sam],
      subject: "Re: Tracking feed is 20 min behind", parent: "zo.feed.delay",
      body: .plain("""
        Hi Zoë,

        Thanks for flagging this. I've opened a case; Sam is looking at the ingestion queue.

        Dana

        """)),
    DemoMail(
      key: "zo.feed.delay.re", folders: [.inbox], daysAgo: 13, time: (14, 5),
      from: Cast.zoe, to: [Cast.dana], cc: [Cast.sam],
      subject: "Re: Tracking feed is 20 min behind", parent: "lumen-re-feed.12",
      body: .plain("""
        Confirmed: the delay is down to under a minute since this morning. Thank you both!

        Zoë

        """)),
    DemoMail(
      key: "pn.scope.input", folders: [.inbox], daysAgo: 11, time: (10, 20),
      from: Cast.priya, to: [Cast.dana], cc: [Cast.ingrid],
      subject: "Stakeholder input on rollout scope",
      body: .plain("""
        Dana,

        As Fjordline's external adviser I'd suggest keeping customs reporting out of phase 1;
        it depends on data Omar's team is still cleaning.

        Priya Natarajan

        """)),
    DemoMail(
      key: "sv.invoice.address", folders: [.inbox], daysAgo: 20, time: (13, 0),
      from: Cast.sven, to: [Cast.dana], subject: "Invoice address for the pilot",
      body: .plain("""
        Hello Dana,

        Please send invoices for the pilot to our Bergen office, attention Accounts Payable,
        and quote the PO number FJ-2026-0193.

        Sven

        """)),
    DemoMail(
      key: "oa.customs.fields", folders: [.inbox], daysAgo: 7, time: (9, 5),
      from: Cast.omar, to: [Cast.dana], cc: [Cast.priya],
      subject: "Customs data fields — مرحبا",
      body: .plain("""
        Hi Dana,

        Here is the list of customs fields we need in phase 2: HS code, country of
        origin, declared value. Happy to walk you through it.

        عمر

        """)),
    DemoMail(
      key: "ih.kickoff.prep", folders: [.inbox], daysAgo: 2, time: (10, 45),
      from: Cast.ingrid, to: [Cast.dana], cc: [Cast.zoe],
      subject: "Rollout phase 1 — kickoff prep",
      body: .mixed("""
        Hi Dana,

        Ahead of the launch review, here is our checklist. Anything missing on your side?

        Ingrid

        """, [DemoAttachment(
          name: "kickoff-checklist.txt", contentType: "text/plain; charset=utf-8",
          data: Data(DemoDocuments.kickoffChecklist.utf8), nameEncoding: .plain)])),
    DemoMail(
      key: "lumen-re-kickoff.13", folders: [.sent], daysAgo: 1, time: (17, 15),
      from: Cast.dana, to: [Cast.ingrid], cc: [Cast.zoe, Cast.jonas],
      subject: "Re: Rollout phase 1 — kickoff prep", parent: "ih.kickoff.prep",
      body: .plain("""
        Hi Ingrid,

        Looks complete. I've added Jonas from our onboarding team; he'll run the training.

        Dana

        """)),
  ]

  // MARK: Leads.

  static let leads: [DemoMail] = [
    DemoMail(
      key: "bc.fleet.120", folders: [.inbox], daysAgo: 35, time: (18, 30),
      from: Cast.boChen, to: [Cast.dana], subject: "Fleet tracking for 120 bikes?",
      body: .plain("""
        Hi,

        We rent out 120 e-bikes in Portland and Seattle and want a dashboard of where they are
        and how often they're used. Is that something Lumen does?

        Bo Chen, Harbor Bikes

        """)),
    DemoMail(
      key: "lumen-re-fleet.14", folders: [.sent], daysAgo: 34, time: (9, 10),
      from: Cast.dana, to: [Cast.boChen], cc: [Cast.harborSales],
      subject: "Re: Fleet tracking for 120 bikes?", parent: "bc.fleet.120",
      body: .plain("""
        Hi Bo,

        It is. Would a 30-minute call on Thursday work to go through your data sources?

        Dana

        """)),
    DemoMail(
      key: "io.pilot.cafes", folders: [.inbox], daysAgo: 22, time: (11, 0),
      from: Cast.ines, to: [Cast.dana], subject: "Piloto para nuestras 6 cafeterías",
      body: .plain("""
        Hola Dana,

        Nos interesa un piloto de análisis de ventas para nuestras seis cafeterías en Madrid.
        ¿Qué necesitaríais de nuestra parte?

        Inés Ortega, Café Olé

        """)),
    DemoMail(
      key: "lumen-re-cafes.15", folders: [.sent], daysAgo: 21, time: (15, 0),
      from: Cast.dana, to: [Cast.ines], subject: "Re: Piloto para nuestras 6 cafeterías",
      parent: "io.pilot.cafes",
      body: .plain("""
        Hola Inés,

        Great to hear from you. An export from your till system for the last three months is
        all we need to start.

        Dana

        """)),
  ]

  // MARK: Colleagues only: related to no customer record.

  static let colleagues: [DemoMail] = [
    DemoMail(
      key: "so.pipeline.notes", folders: [.inbox], daysAgo: 12, time: (17, 45),
      from: Cast.sam, to: [Cast.dana], subject: "Pipeline review notes",
      body: .plain("""
        Dana, notes from today's pipeline review: Müller and Sakura are commit for this
        quarter, Société Lumière is best case. Fjordline's launch date stays.

        Sam

        """)),
    DemoMail(
      key: "jl.offsite", folders: [.inbox], daysAgo: 26, time: (12, 30),
      from: Cast.jonas, to: [Cast.dana, Cast.sam], subject: "Team offsite in December",
      body: .plain("""
        Hi both, the offsite is booked for 10-11 December. Bring ideas for next year's
        territories!

        Jonas

        """)),
  ]

  // MARK: Newsletters and notifications: no record's address appears in them.

  static let unrelated: [DemoMail] = [
    DemoMail(
      key: "nl.2026-39.saasweekly", folders: [.inbox], daysAgo: 50, time: (6, 0),
      from: Cast.newsletter, to: [Cast.dana], subject: "This week in SaaS: renewals season",
      body: .plain("This week: how to prepare renewals, and why annual plans win.\n"),
      extraHeaders: [("List-Unsubscribe", "<https://saasweekly.example/unsubscribe>")]),
    DemoMail(
      key: "nl.2026-44.saasweekly", folders: [.inbox], daysAgo: 27, time: (6, 0),
      from: Cast.newsletter, to: [Cast.dana], subject: "This week in SaaS: pricing pages",
      body: .plain("This week: ten pricing pages we like, and one we don't.\n"),
      extraHeaders: [("List-Unsubscribe", "<https://saasweekly.example/unsubscribe>")]),
    DemoMail(
      key: "nl.2026-47.saasweekly", folders: [.inbox], daysAgo: 3, time: (6, 0), unread: true,
      from: Cast.newsletter, to: [Cast.dana], subject: "This week in SaaS: 🎯 forecasting",
      body: .html("""
        <html><body><h1>Forecasting</h1><p>Why your forecast is wrong, and how to fix it \
        before the board meeting.</p></body></html>

        """),
      extraHeaders: [("List-Unsubscribe", "<https://saasweekly.example/unsubscribe>")]),
    DemoMail(
      key: "bk.SK4471.conf", folders: [.inbox], daysAgo: 6, time: (20, 10),
      from: Cast.airline, to: [Cast.dana], subject: "Your booking SK4471 to Hamburg",
      body: .plain("""
        Booking confirmed: SK4471, seat 14C. Check-in opens 24 hours before departure.

        """)),
  ]

  // MARK: Trash and Drafts: related to records, and never captured.

  static let neverCaptured: [DemoMail] = [
    DemoMail(
      key: trashKey, folders: [.trash], daysAgo: 17, time: (7, 0),
      from: Cast.klaus, to: [Cast.dana], subject: "Abwesenheitsnotiz: Klaus Müller",
      body: .plain("Ich bin bis zum 20. abwesend und habe keinen Zugriff auf E-Mails.\n"),
      extraHeaders: [("Auto-Submitted", "auto-replied")]),
    DemoMail(
      key: draftKey, folders: [.drafts], daysAgo: 1, time: (18, 0),
      from: Cast.dana, to: [Cast.renee], subject: "Remise supplémentaire (brouillon)",
      body: .plain("Renée, if you can sign before the 15th we could also\n")),
  ]
}
