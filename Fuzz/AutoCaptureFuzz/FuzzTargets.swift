import CRMStore
import Foundation
import IMAPClient
import MailFormats

/// The fuzz targets by name: each hands the input to one parser, as the program would.
/// A target looks for crashes, hangs and memory errors (AddressSanitizer); results are the
/// test suite's to check, but for one cheap property (`encodedWords`).
enum FuzzTargets {
  typealias Target = @Sendable (UnsafeRawBufferPointer) -> Void

  /// The target chosen on the command line, read by libFuzzer's C callback (which can
  /// capture nothing). Set once before fuzzing starts.
  nonisolated(unsafe) static var selected: Target?

  static let all: [String: Target] = [
    "headers": headers, "addresses": addresses, "encoded-words": encodedWords,
    "mime": mime, "date": date, "icalendar": icalendar, "import-json": importJSON,
    "imap": imap,
  ]

  /// The header scanner through both of its readers: the indexer's `MessageHeaders` and the
  /// field list the message view uses, each value decoded.
  static let headers: Target = { bytes in
    _ = MessageHeaders.parse(bytes)
    for field in HeaderFields.parse(bytes).fields {
      _ = field.rawValue
      _ = field.decodedValue
    }
  }

  static let addresses: Target = { bytes in
    _ = AddressList.parse(bytes.assumingMemoryBound(to: UInt8.self))
  }

  /// Decoding, and one property: any text without control characters comes back from
  /// its encoded words (whose length is what splits them), in B and in Q.
  static let encodedWords: Target = { bytes in
    _ = EncodedWords.decode(bytes.assumingMemoryBound(to: UInt8.self))
    let text = String(decoding: bytes, as: UTF8.self)
    guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else { return }
    for encoding: Character in ["B", "Q"] {
      let back = EncodedWords.decode(EncodedWords.encode(text, encoding: encoding))
      precondition(back == text, "encoded words in \(encoding) do not give back \(text.debugDescription)")
    }
  }

  static let mime: Target = { bytes in
    _ = MessageBody.extract(from: Data(bytes))
  }

  static let date: Target = { bytes in
    _ = MailDate.parse(bytes.assumingMemoryBound(to: UInt8.self))
  }

  /// The reader, then every occurrence in two bounded windows (the years of RFC 5545's
  /// examples, and recent ones) in a zone with daylight saving time.
  static let icalendar: Target = { bytes in
    let calendar = ICalendar.parse(Data(bytes))
    let zone = TimeZone(identifier: "Europe/Berlin")!
    for window in windows {
      _ = calendar.expandOccurrences(startingIn: window, timeZone: zone)
    }
  }

  static let windows: [ClosedRange<Date>] = [
    Date(timeIntervalSince1970: 852_076_800)...Date(timeIntervalSince1970: 915_148_800),  // 1997-1998
    Date(timeIntervalSince1970: 1_704_067_200)...Date(timeIntervalSince1970: 1_767_225_600),  // 2024-2025
  ]

  /// The whole import, written into a scratch database: a refused file writes nothing, so
  /// the database is made anew only after a file that was taken, and each input meets an
  /// empty one.
  static let importJSON: Target = { bytes in
    let store = ImportScratch.store()
    if (try? store.importData(Data(bytes))) != nil { ImportScratch.reset() }
  }

  /// The response framer, then the parser on each response it frames.
  static let imap: Target = { bytes in
    var framer = ResponseFramer()
    framer.append(UnsafeRawBufferPointer(bytes))
    while let response = try? framer.next() {
      _ = try? ResponseParser.parse(response)
    }
  }
}

/// The import target's database, a file in the temporary directory removed at exit.
enum ImportScratch {
  nonisolated(unsafe) static var current: SQLiteCRMStore?
  static let path = FileManager.default.temporaryDirectory
    .appendingPathComponent("autocapture-fuzz-\(getpid()).sqlite").path

  static func store() -> SQLiteCRMStore {
    if let current { return current }
    _ = cleanUpAtExit
    removeFiles()
    let made = try! SQLiteCRMStore(path: path, connections: .single)
    current = made
    return made
  }

  static let cleanUpAtExit: Void = { atexit { ImportScratch.removeFiles() } }()

  static func reset() {
    try? current?.close()
    current = nil
    removeFiles()
  }

  static func removeFiles() {
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
  }
}
