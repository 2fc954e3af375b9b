// swift-tools-version: 6.1
import PackageDescription

// Targets follow Sources/CaptureCore/CaptureCore.docc/Architecture.md: arrows only point down.
let package = Package(
  name: "AutoCapture",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "autocapture", targets: ["autocapture"]),
    // For Benchmarks/Package.swift, the performance suite kept apart so that `swift build`
    // and `swift test` do not compile it.
    .library(
      name: "AutoCaptureLibraries",
      targets: ["CaptureCore", "CRMStore", "Mailbox", "MailFormats", "TerminalUI",
                "AutoCaptureApp", "DemoWorkspace"]),
    // For Fuzz/Package.swift: the IMAP response parser, apart so that the benchmarks do
    // not build SwiftNIO. (The IMAP trait gates only its use by the executable.)
    .library(name: "AutoCaptureIMAPClient", targets: ["IMAPClient"]),
    // For the team-mode benchmarks (Benchmarks/bench-team): the PostgreSQL store.
    .library(name: "AutoCapturePostgres", targets: ["PostgresCRMStore"]),
  ],
  // The live servers' clients are traits, off by default, so the first `swift run
  // autocapture demo` does not build SwiftNIO, TLS and HTTP stacks; scripts/test (the
  // README's test command, `swift test --enable-all-traits`) and scripts/install turn them on.
  traits: [
    .trait(name: "PostgreSQL",
           description: "A team's CRM database in PostgreSQL (--db postgresql://)"),
    .trait(name: "IMAP", description: "A live mailbox over IMAP (--imap)"),
    .trait(name: "CalDAV", description: "A live calendar over CalDAV (--caldav)"),
    .default(enabledTraits: []),
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
  ],
  targets: [
    // Domain model, capture rules, timeline merge, permissions. Foundation only.
    .target(name: "CaptureCore"),
    // Pure parsers: RFC 5322/2047/2231, MIME, iCalendar and recurrence. Foundation only.
    .target(name: "MailFormats"),
    // How AutoCapture opens its SQLite files (GRDB configuration shared by both stores).
    .target(
      name: "SQLiteSupport",
      dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
    ),
    // The shared CRM database (SQLite through GRDB) and the JSON import.
    .target(
      name: "CRMStore",
      dependencies: [
        "CaptureCore", "MailFormats", "SQLiteSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    // The user's mailbox and calendar: Maildir, mbox, .ics files, the private index.
    .target(
      name: "Mailbox",
      dependencies: [
        "CaptureCore", "MailFormats", "SQLiteSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    // Screen buffer, styles, themes, widgets. Knows no ncurses.
    .target(
      name: "TerminalUI",
      dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]
    ),
    .systemLibrary(
      name: "CNcursesw",
      path: "Sources/CNcursesw",
      providers: [.apt(["libncurses-dev"])]
    ),
    // The only target that talks to ncurses.
    .target(name: "CursesTerminal", dependencies: ["TerminalUI", "CNcursesw"]),
    // AppState, keymap, reduce, effects, screens, run loop.
    .target(name: "AutoCaptureApp", dependencies: ["CaptureCore", "TerminalUI"]),
    // An IMAP client (RFC 3501/9051) on SwiftNIO: the response parser and one connection.
    // Knows nothing of the index or the CRM.
    .target(
      name: "IMAPClient",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]
    ),
    // IMAP accounts as sources of the private index (Mailbox's RemoteMailbox).
    .target(
      name: "IMAPMailbox", dependencies: ["IMAPClient", "Mailbox", "MailFormats", "CaptureCore"]),
    .executableTarget(
      name: "autocapture",
      dependencies: [
        "CaptureCore", "CRMStore", "Mailbox", "MailFormats", "SQLiteSupport", "TerminalUI",
        "CursesTerminal", "AutoCaptureApp", "DemoWorkspace",
        .product(name: "TOMLKit", package: "TOMLKit"),
        .target(name: "IMAPMailbox", condition: .when(traits: ["IMAP"])),
        .target(name: "CalDAV", condition: .when(traits: ["CalDAV"])),
        .target(name: "PostgresCRMStore", condition: .when(traits: ["PostgreSQL"])),
      ]
    ),
    // A live calendar over CalDAV: discovery, sync into the private calendar cache.
    .target(
      name: "CalDAV",
      dependencies: [
        "CaptureCore", "Mailbox", .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]
    ),
    // The shared CRM database in PostgreSQL (postgres-nio), for team mode.
    .target(
      name: "PostgresCRMStore",
      dependencies: [
        "CaptureCore", "CRMStore", .product(name: "PostgresNIO", package: "postgres-nio"),
      ]
    ),
    // The demo workspace behind `autocapture demo`: CRM import file, Maildir, calendar.
    .target(name: "DemoWorkspace", dependencies: ["CaptureCore"]),
    .target(name: "TestSupport", dependencies: ["TerminalUI", "CaptureCore"]),

    .testTarget(name: "CaptureCoreTests", dependencies: ["CaptureCore", "TestSupport"]),
    .testTarget(
      name: "MailFormatsTests",
      dependencies: [
        "MailFormats", "TestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    .testTarget(
      name: "CRMStoreTests",
      dependencies: [
        "CRMStore", "CaptureCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        .target(name: "PostgresCRMStore", condition: .when(traits: ["PostgreSQL"])),
        .product(name: "PostgresNIO", package: "postgres-nio",
                 condition: .when(traits: ["PostgreSQL"])),
      ]
    ),
    .testTarget(
      name: "MailboxTests",
      dependencies: [
        "Mailbox", "MailFormats", "SQLiteSupport", "TestSupport", "DemoWorkspace",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(name: "DemoWorkspaceTests", dependencies: ["DemoWorkspace", "TestSupport"]),
    .testTarget(
      name: "TerminalUITests", dependencies: ["TerminalUI", "TestSupport"],
      exclude: ["Snapshots"]
    ),
    .testTarget(
      name: "AutoCaptureAppTests",
      dependencies: ["AutoCaptureApp", "TerminalUI", "CaptureCore", "TestSupport"],
      exclude: ["Snapshots"]
    ),
    .testTarget(
      name: "IMAPClientTests",
      dependencies: ["IMAPClient", "IMAPMailbox", "Mailbox", "CaptureCore", "TestSupport"]
    ),
    .testTarget(
      name: "CalDAVTests", dependencies: ["CalDAV", "Mailbox", "CaptureCore", "TestSupport"]
    ),
    // Drives the built `autocapture` binary (CLI contract, tmux TUI session).
    .testTarget(
      name: "EndToEndTests", dependencies: ["TestSupport"], exclude: ["Snapshots"]),
  ]
)
