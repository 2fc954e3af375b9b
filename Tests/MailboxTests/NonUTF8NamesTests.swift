import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Names that are not UTF-8 (old Maildirs, Latin-1 file systems): 0xE9 is "é" in Latin-1
/// and no UTF-8 sequence. The files are made through the POSIX calls with those bytes.
@Suite struct NonUTF8Names {
  /// Makes `dir/name` (name as raw bytes): a file holding `contents`, or a directory.
  @discardableResult
  func make(in dir: String, _ name: [UInt8], contents: String? = nil) throws -> [UInt8] {
    let path = rawBytes(dir) + [UInt8(ascii: "/")] + name
    let cPath = (path + [0]).map { CChar(bitPattern: $0) }
    if let contents {
      let fd = open(cPath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
      try #require(fd >= 0)
      let bytes = Array(contents.utf8)
      #expect(write(fd, bytes, bytes.count) == bytes.count)
      close(fd)
    } else {
      try #require(mkdir(cPath, 0o700) == 0)
    }
    return path
  }

  func rawBytes(_ path: String) -> [UInt8] {
    FileSystem.withRawPath(path) { c in
      Array(UnsafeBufferPointer(start: c, count: strlen(c))).map { UInt8(bitPattern: $0) }
    }
  }

  func string(_ bytes: [UInt8]) -> String {
    bytes.withUnsafeBufferPointer { FileSystem.pathString($0) }
  }

  @Test func aMessageFileWhoseNameIsLatin1IsIndexedAndOpened() throws {
    let tree = try MailTree("latin1-file")
    try make(in: tree.root.path + "/cur", Array("caf".utf8) + [0xE9] + Array(".M1P1.host:2,S".utf8),
             contents: mailText(id: "<cafe@t>", body: "Bonjour.\n"))
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.isEmpty)
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<cafe@t>"])
    #expect(try index.message(messageId: "<cafe@t>").plainText.contains("Bonjour."))
  }

  @Test func maildirPlusPlusAndNestedFoldersWhoseNamesAreLatin1AreIndexed() throws {
    let tree = try MailTree("latin1-folder")
    let dotted = try make(in: tree.root.path, Array(".Caf".utf8) + [0xE9])
    let nested = try make(in: tree.root.path, Array("Re".utf8) + [0xE7, 0x75])
    for (folder, id) in [(dotted, "<dotted@t>"), (nested, "<nested@t>")] {
      for sub in ["cur", "new", "tmp"] { try make(in: string(folder), Array(sub.utf8)) }
      try make(in: string(folder) + "/cur", Array("1.M1P1.host:2,S".utf8),
               contents: mailText(id: id))
    }
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.skipped.isEmpty)
    let found = try index.newestMessages(matching: [address("ann@fabrikam.example")], limit: 10)
    #expect(Set(found.map(\.messageId)) == ["<dotted@t>", "<nested@t>"])
    // Shown with U+FFFD for each byte that is not UTF-8.
    #expect(Set(found.map(\.folder)) == [".Caf\u{FFFD}", "Re\u{FFFD}u"])
  }

  @Test func aMaildirWhosePathIsLatin1IsIndexed() throws {
    let base = try Fixtures.temporaryDirectory("latin1-root")
    let root = try make(in: base.path, Array("M".utf8) + [0xE9])
    for sub in ["cur", "new", "tmp"] { try make(in: string(root), Array(sub.utf8)) }
    try make(in: string(root) + "/cur", Array("1.M1P1.host:2,S".utf8),
             contents: mailText(id: "<root@t>"))
    // As the command line gives it: argv's bytes, through the decoding main uses.
    let argument = (root + [0]).map { CChar(bitPattern: $0) }
    let path = argument.withUnsafeBufferPointer { FileSystem.pathString(cString: $0.baseAddress!) }
    #expect((try? FileSystem.status(path).get())?.isDirectory == true)
    let index = try MailboxIndex(indexDirectory: base.appendingPathComponent("index"),
                                 maildirs: [path], mboxes: [])
    #expect(try index.refresh(progress: nil).skipped.isEmpty)
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<root@t>"])
  }

  /// Every byte string comes back from its String as it was: invalid bytes, a truncated
  /// sequence, an encoded surrogate, an overlong form, and the escape range's own scalars.
  @Test(arguments: [
    [0xE9], Array("ascii".utf8), Array("é".utf8), [0xC3], [0xC3, 0x28], [0xED, 0xA0, 0x80],
    [0xC0, 0xAF], [0xF4, 0x8F, 0xBF, 0xA9], [0xF4, 0x90, 0x80, 0x80], [0xFF, 0xFE, 0x41],
    Array("a".utf8) + [0xE9] + Array("€".utf8) + [0x80],
  ] as [[UInt8]])
  func namesRoundTripThroughStrings(bytes: [UInt8]) {
    let text = string(bytes)
    #expect(rawBytes(text) == bytes)
    if String(validating: bytes, as: UTF8.self) != nil, !bytes.starts(with: [0xF4, 0x8F]) {
      #expect(text == String(decoding: bytes, as: UTF8.self))
    }
  }

  @Test func aNameThatIsNotUTF8IsShownWithReplacementCharacters() {
    #expect(FileSystem.displayPath(string(Array("/M".utf8) + [0xE9] + Array("/cur".utf8)))
      == "/M\u{FFFD}/cur")
  }
}
