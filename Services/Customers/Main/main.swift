import Customers
import ServiceKit

await ServiceMain.run(CustomersService.definition)
