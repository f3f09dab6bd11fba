import Ledger
import ServiceKit

await ServiceMain.run(LedgerService.definition)
