import CRMStore
import CaptureCore
import Foundation
import TestSupport
import Testing

/// The store contract (TestSupport's `CRMStoreContract`) run against the database stores.
@Suite struct StoreContractTests {
  /// Each store implementation of this target, made fresh and filled through the import.
  static let implementations: [CRMStoreMaker] = [
    CRMStoreMaker("SQLite") { content in
      let store = try StoreFixture("contract").store
      _ = try store.importData(content.importJSON())
      return store
    },
  ] + postgres

  #if PostgreSQL
  static let postgres = PostgresTestServer.skipped ? [] : [PostgresTestServer.contractMaker]
  #else
  static let postgres: [CRMStoreMaker] = []
  #endif

  @Test(arguments: CRMStoreContract.checks, implementations)
  func storeContract(_ check: CRMStoreContract.Check, _ store: CRMStoreMaker) throws {
    try check.run(on: store)
  }
}
