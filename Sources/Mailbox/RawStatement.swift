import CaptureCore
import Foundation
import GRDB
import GRDBSQLite

/// Direct binding and stepping of a GRDB-prepared statement, for the index's hot loops.
///
/// Bulk indexing runs hundreds of thousands of inserts and a query steps dozens of cursors;
/// GRDB's argument boxing costs more than SQLite itself there, so these few paths talk to
/// the C API. GRDB finalizes the statement when it lets go of it (a cached one when its
/// cache is cleared), so this holds it: the handle lives as long as the statement.
struct RawStatement {
  private let statement: Statement
  let handle: OpaquePointer
  var sql: String { statement.sql }

  init(_ statement: Statement) {
    self.statement = statement
    handle = statement.sqliteStatement
  }

  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  func bind(_ index: Int32, _ value: String?) {
    guard let value else {
      sqlite3_bind_null(handle, index)
      return
    }
    var v = value
    v.withUTF8 { buf in
      _ = sqlite3_bind_text(
        handle, index, UnsafeRawPointer(buf.baseAddress).map {
          $0.assumingMemoryBound(to: CChar.self)
        }, Int32(buf.count), RawStatement.transient)
    }
  }

  func bind(_ index: Int32, _ value: Int64?) {
    if let value { sqlite3_bind_int64(handle, index, value) } else {
      sqlite3_bind_null(handle, index)
    }
  }

  func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

  /// Steps once: true when a row is available, false when done; throws on an error.
  func step() throws -> Bool {
    let code = sqlite3_step(handle)
    if code == SQLITE_ROW { return true }
    if code == SQLITE_DONE { return false }
    let db = sqlite3_db_handle(handle)
    let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(code)"
    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
  }

  /// Runs a statement that returns no rows.
  func run() throws {
    while try step() {}
  }

  func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
  func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
  func text(_ column: Int32) -> String {
    guard let bytes = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }
}
