import Foundation
import Postgres
import ServiceKit

/// The `transaction[...]` form of L-34 (register) and L-41 (simulate), ledger §1.7.
enum TransactionForm {
    static let customerDataFields: [FormField] = ["name", "email", "phone", "loyaltyCardNumber", "nip", .compound("address", ["street", "address1", "postal", "city", "province", "country"])]
    static let schema: FormSchema = [
        .compound("transactionData", ["documentType", "documentNumber", "purchaseDate", "purchasePlace"]), "revisedDocument",
        "posId", "items", .compound("customerData", customerDataFields), "labels",
    ]
    static let simulateSchema: FormSchema = ["purchaseDate", "posId", "items", .compound("customerData", customerDataFields)]

    /// Reads a registration; `simulate` reads the simulation's flatter form (`transaction[purchaseDate]`).
    static func read(_ input: FormValue, simulate: Bool = false) throws -> Transaction {
        let schema = simulate ? simulateSchema : schema
        guard let form = input["transaction"], form.map != nil else { throw FormErrors(schema: schema) }
        var errors = FormErrors(schema: schema)
        let data = form["transactionData"]
        var documentType = "sell", documentNumber = ""
        if !simulate {
            documentType = data?["documentType"]?.trimmedText ?? ""
            if documentType.isEmpty { errors.add(FormMessage.notBlank, at: "transactionData", "documentType") } else if documentType != "sell" && documentType != "return" {
                errors.add("The value you selected is not a valid choice.", at: "transactionData", "documentType")
            }
            documentNumber = data?["documentNumber"]?.trimmedText ?? ""
            if documentNumber.isEmpty { errors.add(FormMessage.notBlank, at: "transactionData", "documentNumber") }
        }
        var purchaseDate = Date()
        let dateField = simulate ? form["purchaseDate"] : data?["purchaseDate"]
        if let text = dateField?.trimmedText {
            if let date = Timestamp.parse(text) { purchaseDate = date } else if simulate {
                errors.add("This value is not a valid datetime.", at: "purchaseDate")
            } else {
                errors.add("This value is not a valid datetime.", at: "transactionData", "purchaseDate")
            }
        }
        let revised = form["revisedDocument"]?.trimmedText
        if documentType == "return", revised == nil { errors.add(FormMessage.notBlank, at: "revisedDocument") }
        var posID: UUID?
        if let text = form["posId"]?.trimmedText {
            posID = UUID(uuidString: text)
            if posID == nil { errors.add(FormMessage.invalid, at: "posId") }
        }
        let items = readItems(form["items"], errors: &errors)
        let customer = readCustomerData(form["customerData"])
        guard errors.isEmpty else { throw errors }
        let gross = items.reduce(Amount.zero) { $0 + $1.grossValue }
        return Transaction(
            id: UUID(), documentNumber: documentNumber, documentType: documentType, purchaseDate: purchaseDate,
            purchasePlace: data?["purchasePlace"]?.trimmedText ?? form["purchasePlace"]?.trimmedText, revisedDocument: revised,
            revisedTransactionID: nil, posID: posID, customerID: nil, assignedAt: nil, grossValue: gross, grossWithoutDelivery: gross,
            customerData: customer, items: items, labels: readLabels(form["labels"]), pointsEarned: .zero, externalOrderID: nil
        )
    }

    static func readItems(_ value: FormValue?, errors: inout FormErrors) -> [TransactionItem] {
        guard let list = value?.list, !list.isEmpty else {
            errors.add(FormMessage.notBlank, at: "items")
            return []
        }
        var items: [TransactionItem] = []
        for (index, item) in list.enumerated() {
            let code = item["sku"]?["code"]?.trimmedText ?? item["sku"]?.trimmedText
            let name = item["name"]?.trimmedText
            let quantity = item["quantity"]?.amount ?? (item["quantity"] == nil ? Amount(1) : nil)
            let gross = item["grossValue"]?.amount
            guard let code, let name, let quantity, let gross, !gross.isNegative, !quantity.isNegative else {
                errors.add("Item \(index): sku code, name, quantity and grossValue are required numbers.", at: "items")
                continue
            }
            items.append(TransactionItem(
                sku: .init(code: code), name: name, quantity: quantity, grossValue: gross, category: item["category"]?.trimmedText,
                maker: item["maker"]?.trimmedText, labels: readLabels(item["labels"])
            ))
        }
        return items
    }

    static func readCustomerData(_ value: FormValue?) -> CustomerData {
        guard let value else { return CustomerData() }
        let address = value["address"].map { a in
            CustomerData.Address(
                street: a["street"]?.trimmedText, address1: a["address1"]?.trimmedText, province: a["province"]?.trimmedText,
                city: a["city"]?.trimmedText, postal: a["postal"]?.trimmedText, country: a["country"]?.trimmedText
            )
        }
        return CustomerData(
            name: value["name"]?.trimmedText, email: value["email"]?.trimmedText, phone: value["phone"]?.trimmedText,
            loyaltyCardNumber: value["loyaltyCardNumber"]?.trimmedText, nip: value["nip"]?.trimmedText, address: address
        )
    }

    /// `labels[i][key|value]`; entries that are not `{key, value}` maps are ignored (ledger L-41 example).
    static func readLabels(_ value: FormValue?) -> [Label] {
        guard let list = value?.list else { return [] }
        return list.compactMap { item in
            guard let key = item["key"]?.trimmedText else { return nil }
            return Label(key: key, value: item["value"]?.string ?? "")
        }
    }
}
