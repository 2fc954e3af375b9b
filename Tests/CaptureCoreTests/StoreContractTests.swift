import TestSupport
import Testing

/// The store contract (TestSupport's `CRMStoreContract`) run against the in-memory store the
/// core's tests build on, so it answers as the database stores do.
@Suite struct InMemoryStoreContractTests {
  @Test(arguments: CRMStoreContract.checks, [CRMStoreMaker.inMemory])
  func storeContract(_ check: CRMStoreContract.Check, _ store: CRMStoreMaker) throws {
    try check.run(on: store)
  }
}
