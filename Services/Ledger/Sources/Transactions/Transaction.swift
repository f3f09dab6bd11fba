import Foundation
import Postgres
import ServiceKit

/// The customer data sent with a transaction, kept as sent (ledger §1.6).
struct CustomerData: Codable, Sendable, Hashable {
    struct Address: Codable, Sendable, Hashable {
        var street: String?
        var address1: String?
        var province: String?
        var city: String?
        var postal: String?
        var country: String?
    }

    var name: String?
    var email: String?
    var phone: String?
    var loyaltyCardNumber: String?
    var nip: String?
    var address: Address?
}

/// A line of a transaction; `grossValue` is the line total (ledger A-21).
struct TransactionItem: Codable, Sendable, Hashable {
    struct SKU: Codable, Sendable, Hashable { var code: String }
    var sku: SKU
    var name: String
    var quantity: Amount
    var grossValue: Amount
    var category: String?
    var maker: String?
    var labels: [Label]
}

/// A registered sale or return.
struct Transaction: Sendable {
    var id: UUID
    var documentNumber: String
    var documentType: String
    var purchaseDate: Date
    var purchasePlace: String?
    var revisedDocument: String?
    var revisedTransactionID: UUID?
    var posID: UUID?
    var customerID: UUID?
    var assignedAt: Date?
    var grossValue: Amount
    var grossWithoutDelivery: Amount
    var customerData: CustomerData
    var items: [TransactionItem]
    var labels: [Label]
    var pointsEarned: Amount
    var externalOrderID: String?

    var isReturn: Bool { documentType == "return" }

    var evaluatedItems: [EvaluatedItem] {
        items.map { EvaluatedItem(sku: $0.sku.code, grossValue: $0.grossValue, labels: $0.labels) }
    }
}

/// A transaction as the API shows it (L-29, L-30, L-33, L-42); the seller's view leaves out
/// `purchasePlace` and `pointsEarned` and adds `excludedLevelCategories`.
struct TransactionView: Encodable, Sendable {
    let transaction: Transaction
    let currency: String
    var seller = false

    private enum Key: String, CodingKey {
        case transactionId, documentNumber, documentType, purchaseDate, purchasePlace, grossValue, customerId, assignedToCustomerDate,
             customerData, labels, items, currency, pointsEarned, revisedDocument, posId, excludedLevelCategories
    }

    func encode(to encoder: any Encoder) throws {
        let t = transaction
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(t.id.text, forKey: .transactionId)
        try c.encode(t.documentNumber, forKey: .documentNumber)
        try c.encode(t.documentType, forKey: .documentType)
        try c.encode(Timestamp.iso(t.purchaseDate), forKey: .purchaseDate)
        if !seller { try c.encodeIfPresent(t.purchasePlace, forKey: .purchasePlace) }
        try c.encode(t.grossValue, forKey: .grossValue)
        try c.encodeIfPresent(t.customerID?.text, forKey: .customerId)
        try c.encodeIfPresent(t.assignedAt.map(Timestamp.iso), forKey: .assignedToCustomerDate)
        try c.encode(t.customerData, forKey: .customerData)
        try c.encode(t.labels, forKey: .labels)
        try c.encode(t.items, forKey: .items)
        try c.encode(currency, forKey: .currency)
        if !seller { try c.encode(t.pointsEarned, forKey: .pointsEarned) }
        try c.encodeIfPresent(t.revisedDocument, forKey: .revisedDocument)
        try c.encodeIfPresent(t.posID?.text, forKey: .posId)
        if seller { try c.encode([String](), forKey: .excludedLevelCategories) }
    }
}

// MARK: JSON columns, written without JSONEncoder (registration's hot path); the shapes `Codable` decodes.

extension CustomerData {
    var json: EventValue {
        var object: [String: EventValue] = [:]
        object["name"] = name.map(EventValue.string)
        object["email"] = email.map(EventValue.string)
        object["phone"] = phone.map(EventValue.string)
        object["loyaltyCardNumber"] = loyaltyCardNumber.map(EventValue.string)
        object["nip"] = nip.map(EventValue.string)
        if let address {
            var fields: [String: EventValue] = [:]
            fields["street"] = address.street.map(EventValue.string)
            fields["address1"] = address.address1.map(EventValue.string)
            fields["province"] = address.province.map(EventValue.string)
            fields["city"] = address.city.map(EventValue.string)
            fields["postal"] = address.postal.map(EventValue.string)
            fields["country"] = address.country.map(EventValue.string)
            object["address"] = .object(fields)
        }
        return .object(object)
    }
}

extension TransactionItem {
    var json: EventValue {
        var object: [String: EventValue] = [
            "sku": .object(["code": .string(sku.code)]), "name": .string(name), "quantity": .amount(quantity),
            "grossValue": .amount(grossValue), "labels": Label.json(labels),
        ]
        object["category"] = category.map(EventValue.string)
        object["maker"] = maker.map(EventValue.string)
        return .object(object)
    }
}

extension Label {
    static func json(_ labels: [Label]) -> EventValue {
        .array(labels.map { .object(["key": .string($0.key), "value": .string($0.value)]) })
    }
}
