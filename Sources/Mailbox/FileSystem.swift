import CaptureCore
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin POSIX helpers for the scanners: directory listing, stat and header-block reads.
///
/// The index touches up to millions of entries, so it uses `readdir`, `stat` and `read`
/// directly rather than FileManager, which allocates far more per entry. `status` is the
/// package's one `stat` wrapper: the calendars and the command line ask it too.
public enum FileSystem {
  /// What `stat` says about a file: kind, size, modification time in nanoseconds, and
  /// which file it is. One system call and no Foundation dictionaries, so checking
  /// thousands of files for changes stays cheap.
  public struct Status: Sendable {
    public var isDirectory: Bool
    /// A plain file: not a directory, FIFO, socket or device, which reading could block on
    /// or never end.
    public var isRegular: Bool
    public var size: Int64
    public var mtimeNanoseconds: Int64
    /// The device and inode: equal for two names of one file.
    public var device: UInt64
    public var inode: UInt64
    var mtime: Double { Double(mtimeNanoseconds) / 1_000_000_000 }

    /// Whether a cache of the file read at `earlier` still holds: same kind, size and
    /// modification time. Which file it is does not count, as for `make`: a file written
    /// anew under the same name is the same file.
    func isUnchanged(since earlier: Status) -> Bool {
      isDirectory == earlier.isDirectory && isRegular == earlier.isRegular
        && size == earlier.size && mtimeNanoseconds == earlier.mtimeNanoseconds
    }
  }

  /// Makes `path` and its missing parents (`mkdir -p`), each with `mode`. The failure names
  /// the first directory that could not be made and why, in the system's words ("Permission
  /// denied", or "not a directory" where a file stands in the way).
  static func makeDirectories(_ path: String, mode: mode_t) -> MailSourceFailure? {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
      if case .success(let status) = status(prefix) {
        if status.isDirectory { continue }
        return MailSourceFailure(path: prefix, reason: "not a directory")
      }
      if withRawPath(prefix, { mkdir($0, mode) }) != 0, errno != EEXIST {
        return MailSourceFailure(path: prefix, errno: errno)
      }
    }
    return nil
  }

  /// The reason text for an errno code.
  static func errnoReason(_ code: Int32) -> String {
    String(cString: strerror(code))
  }

  // MARK: - Names as bytes

  /// A file name is bytes, not text: old Maildirs and Latin-1 file systems hold names that
  /// are not UTF-8. Such a name is carried in a String that keeps its bytes: a byte that is
  /// not part of a UTF-8 sequence becomes the private-use scalar U+10FF00 + byte, and a
  /// name's own scalars of that range (U+10FF80-U+10FFFF) are carried byte by byte the same
  /// way, so the String gives back exactly the bytes (`withRawPath`). Paths are built,
  /// stored in the index and compared as Strings; only system calls see the bytes.
  static let escapedByteBase: UInt32 = 0x10FF00

  /// The String carrying `bytes` (a name or path as the system gives it).
  public static func pathString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    var scalars = String.UnicodeScalarView()
    var i = 0
    while i < bytes.count {
      if let (scalar, length) = utf8Scalar(bytes, at: i), scalar.value < escapedByteBase + 0x80 {
        scalars.append(scalar)
        i += length
      } else {
        scalars.append(Unicode.Scalar(escapedByteBase + UInt32(bytes[i]))!)
        i += 1
      }
    }
    return String(scalars)
  }

  /// The String carrying a NUL-terminated name or path.
  public static func pathString(cString: UnsafePointer<CChar>) -> String {
    let count = strlen(cString)
    return cString.withMemoryRebound(to: UInt8.self, capacity: count + 1) {
      pathString(UnsafeBufferPointer(start: $0, count: count))
    }
  }

  /// The valid UTF-8 sequence at `i` as a scalar and its length, or nil.
  private static func utf8Scalar(_ b: UnsafeBufferPointer<UInt8>, at i: Int)
    -> (Unicode.Scalar, Int)?
  {
    let lead = b[i]
    let length: Int
    var value: UInt32
    switch lead {
    case 0x00..<0x80: return (Unicode.Scalar(lead), 1)
    case 0xC2..<0xE0: length = 2; value = UInt32(lead & 0x1F)
    case 0xE0..<0xF0: length = 3; value = UInt32(lead & 0x0F)
    case 0xF0..<0xF5: length = 4; value = UInt32(lead & 0x07)
    default: return nil
    }
    guard i + length <= b.count else { return nil }
    for k in 1..<length {
      guard b[i + k] & 0xC0 == 0x80 else { return nil }
      value = value << 6 | UInt32(b[i + k] & 0x3F)
    }
    let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
    guard value >= smallest, let scalar = Unicode.Scalar(value) else { return nil }
    return (scalar, length)
  }

  /// Calls `body` with the bytes `path` carries, NUL-terminated, for a system call.
  public static func withRawPath<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R)
    rethrows -> R
  {
    // Every escaped byte and every scalar from U+10FF80 is written with a 0xF4 lead byte.
    guard path.utf8.contains(0xF4) else { return try path.withCString(body) }
    var bytes: [CChar] = []
    for scalar in path.unicodeScalars {
      if scalar.value >= escapedByteBase + 0x80 {
        bytes.append(CChar(bitPattern: UInt8(scalar.value - escapedByteBase)))
      } else {
        bytes.append(contentsOf: String(scalar).utf8.map { CChar(bitPattern: $0) })
      }
    }
    bytes.append(0)
    return try body(bytes)
  }

  /// `path` for people to read: each byte that is not UTF-8 shown as U+FFFD.
  public static func displayPath(_ path: String) -> String {
    guard path.utf8.contains(0xF4) else { return path }
    return String(String.UnicodeScalarView(path.unicodeScalars.map {
      $0.value >= escapedByteBase + 0x80 ? "\u{FFFD}" : $0
    }))
  }

  /// The working directory as the kernel names it, its bytes kept.
  static func currentDirectory() -> String {
    guard let buffer = getcwd(nil, 0) else { return FileManager.default.currentDirectoryPath }
    defer { free(buffer) }
    return pathString(cString: buffer)
  }

  /// `stat(2)`, or the failure naming the path and the reason.
  public static func status(_ path: String) -> Result<Status, MailSourceFailure> {
    var st = stat()
    guard withRawPath(path, { stat($0, &st) }) == 0 else {
      return .failure(MailSourceFailure(path: path, errno: errno))
    }
    return .success(makeStatus(st))
  }

  /// `fstat(2)` of an open file; failures name `path`.
  static func status(descriptor fd: Int32, path: String) -> Result<Status, MailSourceFailure> {
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      return .failure(MailSourceFailure(path: path, errno: errno))
    }
    return .success(makeStatus(st))
  }

  private static func makeStatus(_ st: stat) -> Status {
    #if canImport(Darwin)
      let ns = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
    #else
      let ns = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    #endif
    return Status(isDirectory: (st.st_mode & S_IFMT) == S_IFDIR,
                  isRegular: (st.st_mode & S_IFMT) == S_IFREG, size: Int64(st.st_size),
                  mtimeNanoseconds: ns, device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
  }

  /// One directory entry: its name and whether it is a directory (nil when unknown).
  struct Entry {
    var name: String
    var isDirectory: Bool?
  }

  /// The entries of a directory except `.` and `..`; names starting with a dot only when
  /// `includeHidden`. Throws the path and reason when the directory cannot be read.
  static func list(_ path: String, includeHidden: Bool) throws(MailSourceFailure) -> [Entry] {
    guard let dir = withRawPath(path, { opendir($0) }) else {
      throw MailSourceFailure(path: path, errno: errno)
    }
    defer { closedir(dir) }
    var out: [Entry] = []
    while let ent = readdir(dir) {
      let (name, isDot) = withUnsafePointer(to: &ent.pointee.d_name) { ptr in
        ptr.withMemoryRebound(to: CChar.self, capacity: 256) { c -> (String, Bool) in
          (pathString(cString: c), c[0] == 0x2E)
        }
      }
      if isDot && (name == "." || name == ".." || !includeHidden) { continue }
      let type = ent.pointee.d_type
      let isDir: Bool?
      if type == UInt8(DT_DIR) {
        isDir = true
      } else if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
        isDir = nil
      } else {
        isDir = false
      }
      out.append(Entry(name: name, isDirectory: isDir))
    }
    return out
  }

  /// The whole of the regular file at `path`, read with `read(2)`. Not mapped: another
  /// program may truncate the file meanwhile (an mbox being expunged), and touching a
  /// mapped page past the new end kills the process with SIGBUS. A file over `limit` bytes
  /// is refused unread; one that shrinks while it is read gives what was there, one that
  /// grows gives the size it had when opened. Returns the bytes and what `fstat` said.
  static func contents(of path: String, limit: Int64 = .max) throws(MailSourceFailure)
    -> (data: Data, status: Status)
  {
    let fd = FileSystem.openForReading(path)
    guard fd >= 0 else { throw MailSourceFailure(path: path, errno: errno) }
    defer { close(fd) }
    let status = try status(descriptor: fd, path: path).get()
    guard status.isRegular else {
      throw MailSourceFailure(path: path, reason: "not a regular file (a FIFO, socket or device)")
    }
    guard status.size <= limit else {
      throw MailSourceFailure(path: path, size: status.size, limit: limit)
    }
    var data = Data(count: Int(status.size))
    var filled = 0
    let code: Int32 = data.withUnsafeMutableBytes { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      while filled < buffer.count {
        // At most 1 GiB a call: Linux reads no more than about 2 GiB at once anyway.
        let n = read(fd, base + filled, min(buffer.count - filled, 1 << 30))
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        if n == 0 { break }
        filled += n
      }
      return 0
    }
    if code != 0 { throw MailSourceFailure(path: path, errno: code) }
    if filled < data.count { data.removeSubrange(filled...) }
    return (data, status)
  }

  /// `open(2)` for reading, non-blocking, so a FIFO is opened (and refused by the caller)
  /// rather than waited on forever; a regular file reads as usual.
  static func openForReading(_ path: String) -> Int32 {
    withRawPath(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
  }

  /// Whether `path/entry` is a directory, using the listing's type when it has one.
  static func isDirectory(_ path: String, _ entry: Entry) -> Bool {
    if let known = entry.isDirectory { return known }
    if case .success(let st) = status(path + "/" + entry.name) { return st.isDirectory }
    return false
  }
}

/// A failed file-system call: the path and the reason, ready for `MailSourceError`.
public struct MailSourceFailure: Error, Sendable {
  public var path: String
  /// Why, in the system's words when a system call failed ("No such file or directory").
  public var reason: String
  /// The errno code when a system call failed, else 0.
  public var code: Int32 = 0
  /// The file's size and the limit it is over, when it was refused for its size.
  var overLimit: (size: Int64, limit: Int64)?
  init(path: String, reason: String) { self.path = path; self.reason = reason }
  init(path: String, errno code: Int32) {
    self.init(path: path, reason: FileSystem.errnoReason(code))
    self.code = code
  }
  init(path: String, size: Int64, limit: Int64) {
    self.init(path: path, reason: "larger than \(MailSourceError.megabytes(limit))")
    overLimit = (size, limit)
  }
  var isMissing: Bool { code == ENOENT || code == ENOTDIR }
  var error: MailSourceError {
    if let overLimit {
      return .tooLarge(path: FileSystem.displayPath(path), size: overLimit.size,
                       limit: overLimit.limit)
    }
    return .unreadable(path: FileSystem.displayPath(path), reason: reason)
  }
}

/// Reads the header block of message files with one reusable buffer (one per worker thread).
///
/// Only the bytes up to the first empty line are read, in 8 KiB steps: the body, often
/// most of a message, is never touched while indexing. An empty file, or one of NUL bytes
/// or of blank lines alone, is refused naming the file, like an unreadable one: it holds
/// no message.
struct HeaderBlockReader {
  private var buffer: UnsafeMutableRawBufferPointer
  /// A header block longer than this is not read as mail: the file is reported (a broken
  /// file, not mail; cut short, an address after the cut would be silently lost).
  static let maximumHeaderBytes = 1 << 20
  static let step = 8192

  init() {
    buffer = .allocate(byteCount: HeaderBlockReader.step, alignment: 16)
  }

  func deallocate() { buffer.deallocate() }

  /// Reads `path`'s header block and calls `body` with its bytes, the file's mtime, and a
  /// function that reads the rest of the file and returns the FNV-1a of all of it (for the
  /// rare message that needs it: nothing past the header block is read unless it is called).
  mutating func withHeaderBlock<R>(
    path: String,
    _ body: (_ block: UnsafeRawBufferPointer, _ mtime: Double,
             _ wholeFileHash: () throws(MailSourceFailure) -> Int64) throws(MailSourceFailure)
      -> R
  ) throws(MailSourceFailure) -> R {
    let fd = FileSystem.openForReading(path)
    guard fd >= 0 else { throw MailSourceFailure(path: path, errno: errno) }
    defer { close(fd) }
    let status = try FileSystem.status(descriptor: fd, path: path).get()
    guard status.isRegular else {
      throw MailSourceFailure(path: path, reason: "not a regular file (a FIFO, socket or device)")
    }
    let mtime = status.mtime
    var filled = 0
    var scanFrom = 0
    while let base = buffer.baseAddress {
      if filled == buffer.count {
        guard buffer.count < HeaderBlockReader.maximumHeaderBytes else {
          if let reason = try HeaderBlockReader.filler(
            UnsafeRawBufferPointer(buffer), fd: fd, path: path)
          {
            throw MailSourceFailure(path: path, reason: reason)
          }
          throw MailSourceFailure(
            path: path, reason: "its header block is longer than 1 MiB (not read as mail)")
        }
        let bigger = UnsafeMutableRawBufferPointer.allocate(
          byteCount: buffer.count * 2, alignment: 16)
        bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
        buffer.deallocate()
        buffer = bigger
        continue
      }
      let n = read(fd, base + filled, buffer.count - filled)
      if n < 0 {
        if errno == EINTR { continue }
        throw MailSourceFailure(path: path, errno: errno)
      }
      if n == 0 { break }
      filled += n
      let view = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
      if let end = HeaderBlockReader.headerEnd(view, from: scanFrom) {
        // Blank lines end an empty header block at once: a file of nothing else is no
        // message either.
        if UnsafeRawBufferPointer(rebasing: view[0..<end]).allSatisfy(HeaderBlockReader.isBlank),
          let reason = try HeaderBlockReader.filler(view, fd: fd, path: path)
        {
          throw MailSourceFailure(path: path, reason: reason)
        }
        return try body(UnsafeRawBufferPointer(rebasing: view[0..<end]), mtime) {
          () throws(MailSourceFailure) in
          try HeaderBlockReader.wholeFileHash(fd: fd, path: path, readSoFar: view)
        }
      }
      scanFrom = max(0, filled - 2)
    }
    let all = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
    // What a crash or a full disk leaves: nothing to index, and worth a look.
    if all.isEmpty { throw MailSourceFailure(path: path, reason: "empty file") }
    if let reason = try HeaderBlockReader.filler(all, fd: fd, path: path) {
      throw MailSourceFailure(path: path, reason: reason)
    }
    return try body(all, mtime) { () throws(MailSourceFailure) in
      try HeaderBlockReader.wholeFileHash(fd: fd, path: path, readSoFar: all)
    }
  }

  /// Why a file of NUL bytes alone is not indexed: a crash after its size was written but
  /// before its data (delayed allocation) leaves such files, up to megabytes long.
  static let onlyNulBytes = "not a message: only NUL bytes"

  /// Why a file of line ends, spaces and tabs alone is not indexed.
  static let onlyBlankLines = "not a message: only blank lines"

  static func isBlank(_ byte: UInt8) -> Bool {
    byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09
  }

  /// Why the file holds no message when it is all NUL bytes, or all blank lines: its first
  /// bytes, `readSoFar`, and the rest, read from `fd` after them without moving its offset
  /// (the caller may still hash the file). Nil when anything else is in it; the rest is
  /// read only while it is all of the same.
  private static func filler(_ readSoFar: UnsafeRawBufferPointer, fd: Int32, path: String)
    throws(MailSourceFailure) -> String?
  {
    let isFiller: (UInt8) -> Bool
    let reason: String
    if readSoFar.allSatisfy({ $0 == 0 }) {
      (isFiller, reason) = ({ $0 == 0 }, onlyNulBytes)
    } else if readSoFar.allSatisfy(isBlank) {
      (isFiller, reason) = (isBlank, onlyBlankLines)
    } else {
      return nil
    }
    let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { piece.deallocate() }
    var offset = readSoFar.count
    while let base = piece.baseAddress {
      let n = pread(fd, base, piece.count, off_t(offset))
      if n < 0 {
        if errno == EINTR { continue }
        throw MailSourceFailure(path: path, errno: errno)
      }
      if n == 0 { break }
      if !UnsafeRawBufferPointer(rebasing: piece[0..<n]).allSatisfy(isFiller) { return nil }
      offset += n
    }
    return reason
  }

  /// The FNV-1a of a whole file: the `readSoFar` bytes it begins with, then the rest read
  /// from `fd` (which stands just after them) in 64 KiB pieces, so a message of any size
  /// is hashed in bounded memory.
  private static func wholeFileHash(fd: Int32, path: String, readSoFar: UnsafeRawBufferPointer)
    throws(MailSourceFailure) -> Int64
  {
    var hash = IndexSchema.fnv1a(readSoFar)
    let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { piece.deallocate() }
    while let base = piece.baseAddress {
      let n = read(fd, base, piece.count)
      if n < 0 {
        if errno == EINTR { continue }
        throw MailSourceFailure(path: path, errno: errno)
      }
      if n == 0 { break }
      hash = IndexSchema.fnv1a(UnsafeRawBufferPointer(rebasing: piece[0..<n]), continuing: hash)
    }
    return hash
  }

  /// The length of the header block in `bytes` (through the line break that ends the last
  /// header line, without the empty line), or nil when no empty line starts at or after
  /// `from`.
  ///
  /// Lines end in LF or CRLF, or in a bare CR (files saved on classic Mac OS). LF is looked
  /// for first, with `memchr`, as nearly every message has it; only when no empty line is
  /// found so is a CR followed by a CR looked for, so a large bare-CR message is not read
  /// whole (and refused as a header block over 1 MiB). MailFormats' header parser reads
  /// lines the same three ways.
  static func headerEnd(_ bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
    lineFeedHeaderEnd(bytes, from: from) ?? bareCarriageReturnHeaderEnd(bytes, from: from)
  }

  /// `headerEnd` with lines ended by LF or CRLF.
  private static func lineFeedHeaderEnd(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let count = bytes.count
    if from == 0, count > 0 {
      if bytes[0] == 0x0A { return 0 }
      if count > 1, bytes[0] == 0x0D, bytes[1] == 0x0A { return 0 }
    }
    var i = from
    while i < count {
      guard let p = memchr(base + i, 0x0A, count - i) else { return nil }
      let next = base.distance(to: UnsafeRawPointer(p)) + 1
      if next < count {
        if bytes[next] == 0x0A { return next }
        if bytes[next] == 0x0D, next + 1 < count, bytes[next + 1] == 0x0A { return next }
      }
      i = next
    }
    return nil
  }

  /// `headerEnd` with lines ended by a bare CR: the empty line is a CR right after the CR
  /// that ends a line. (`\r\r\n` ends the block there too, as the header parser reads it.)
  private static func bareCarriageReturnHeaderEnd(_ bytes: UnsafeRawBufferPointer, from: Int)
    -> Int?
  {
    guard let base = bytes.baseAddress else { return nil }
    let count = bytes.count
    if from == 0, count > 1, bytes[0] == 0x0D, bytes[1] != 0x0A { return 0 }
    var i = from
    while i < count {
      guard let p = memchr(base + i, 0x0D, count - i) else { return nil }
      let next = base.distance(to: UnsafeRawPointer(p)) + 1
      if next < count, bytes[next] == 0x0D { return next }
      i = next
    }
    return nil
  }
}
