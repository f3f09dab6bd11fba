import Foundation
import Postgres
import ServiceKit

/// One criterion as stored and shown: its id, its type and the type's fields (extensions §2.3).
struct SegmentCriterion: Sendable, Hashable {
    var id: UUID
    var type: String
    /// The type's fields, by their form names (`posIds`, `min`, `fromAmount`, `labels`, …).
    var fields: [String: JSONValue]

    var json: JSONValue {
        var object = fields
        object["criterionId"] = .string(id.text)
        object["type"] = .string(type)
        return .object(object)
    }

    init(id: UUID, type: String, fields: [String: JSONValue]) {
        self.id = id
        self.type = type
        self.fields = fields
    }

    init?(json: JSONValue) {
        var object = json.object
        guard let type = object.removeValue(forKey: "type")?.text,
              let id = object.removeValue(forKey: "criterionId")?.text.flatMap(UUID.init(uuidString:))
        else { return nil }
        self.init(id: id, type: type, fields: object)
    }
}

/// A part: its criteria are unioned; the parts of a segment are intersected (decision extensions X-1).
struct SegmentPart: Sendable, Hashable {
    var id: UUID
    var criteria: [SegmentCriterion]

    var json: JSONValue {
        .object(["segmentPartId": .string(id.text), "criteria": .array(criteria.map(\.json))])
    }

    init(id: UUID, criteria: [SegmentCriterion]) {
        self.id = id
        self.criteria = criteria
    }

    init?(json: JSONValue) {
        guard let id = json.object["segmentPartId"]?.text.flatMap(UUID.init(uuidString:)) else { return nil }
        self.init(id: id, criteria: (json.object["criteria"]?.array ?? []).compactMap(SegmentCriterion.init(json:)))
    }
}

/// The `segment[...]` form of SG-02 and SG-04 (extensions §2.3).
struct SegmentForm: Sendable {
    static let schema: FormSchema = ["name", "active", "description", "parts"]
    static let nameTaken = "Segment with this name already exists"
    static let atLeastOne = "This collection should contain 1 element or more."
    static let types = [
        "bought_in_pos", "transaction_count", "average_transaction_amount", "transaction_amount", "transaction_percent_in_pos",
        "purchase_period", "last_purchase_n_days_before", "anniversary", "bought_skus", "bought_makers", "bought_labels",
        "customer_has_labels", "customer_with_labels_values", "customer_list",
    ]

    var name = ""
    var description: String?
    var active = false
    var parts: [SegmentPart] = []
    var errors = FormErrors(schema: SegmentForm.schema)
    /// POS ids the criteria name, to check against the store.
    var posIDs: Set<UUID> = []
    /// `customer_list` entries to resolve: the criterion they belong to, the field's path, the entry text.
    var customerEntries: [(criterion: UUID, path: [String], entry: String)] = []

    init(_ input: FormValue) throws {
        guard let form = input["segment"], form.map != nil else { throw FormErrors(schema: Self.schema) }
        name = form["name"]?.trimmedText ?? ""
        if name.isEmpty { errors.add(FormMessage.notBlank, at: "name") }
        description = form["description"]?.trimmedText
        active = FormCheck.checkbox(form["active"])
        let items = form["parts"]?.list ?? []
        if items.isEmpty { errors.add(Self.atLeastOne, at: "parts") }
        for (p, item) in items.enumerated() {
            let partID = item["segmentPartId"]?.trimmedText.flatMap(UUID.init(uuidString:)) ?? UUID()
            let criteria = item["criteria"]?.list ?? []
            if criteria.isEmpty { errors.add(Self.atLeastOne, at: "parts", String(p), "criteria") }
            var part = SegmentPart(id: partID, criteria: [])
            for (c, value) in criteria.enumerated() {
                if let criterion = read(value, path: ["parts", String(p), "criteria", String(c)], part: p, index: c) {
                    part.criteria.append(criterion)
                }
            }
            parts.append(part)
        }
    }

    private mutating func read(_ value: FormValue, path: [String], part: Int, index: Int) -> SegmentCriterion? {
        let id = value["criterionId"]?.trimmedText.flatMap(UUID.init(uuidString:)) ?? UUID()
        var type = value["type"]?.trimmedText ?? ""
        if type == "customer_has_labels_with_values" { type = "customer_with_labels_values" }
        guard Self.types.contains(type) else {
            errors.add(type.isEmpty ? FormMessage.notBlank : FormMessage.invalid, at: path + ["type"])
            return nil
        }
        var fields: [String: JSONValue] = [:]
        let before = errors
        switch type {
        case "bought_in_pos":
            let ids = uuids(value["posIds"], at: path + ["posIds"])
            posIDs.formUnion(ids)
            fields["posIds"] = .array(ids.map { .string($0.text) })
        case "transaction_count":
            fields["min"] = integer(value["min"], at: path + ["min"], minimum: 0)
            fields["max"] = integer(value["max"], at: path + ["max"], minimum: 0)
        case "average_transaction_amount", "transaction_amount":
            fields["fromAmount"] = amount(value["fromAmount"], at: path + ["fromAmount"])
            fields["toAmount"] = amount(value["toAmount"], at: path + ["toAmount"])
        case "transaction_percent_in_pos":
            let ids = uuids(value["posId"].map { FormValue.list([$0]) }, at: path + ["posId"])
            posIDs.formUnion(ids)
            fields["posId"] = ids.first.map { .string($0.text) } ?? .null
            if let percent = amount(value["percent"], at: path + ["percent"]).text.flatMap(Double.init) {
                fields["percent"] = .number(percent / 100)
            }
        case "purchase_period":
            for field in ["fromDate", "toDate"] {
                if let date = value[field]?.trimmedText.flatMap(Timestamps.parseDateTime) {
                    fields[field] = .string(Timestamps.rfc3339(date))
                } else {
                    errors.add(value[field]?.trimmedText == nil ? FormMessage.notBlank : FormMessage.invalid, at: path + [field])
                }
            }
        case "last_purchase_n_days_before":
            fields["days"] = integer(value["days"], at: path + ["days"], minimum: 1)
        case "anniversary":
            let kind = value["anniversaryType"]?.trimmedText ?? ""
            if !["birthday", "registration"].contains(kind) {
                errors.add(kind.isEmpty ? FormMessage.notBlank : FormMessage.invalid, at: path + ["anniversaryType"])
            }
            fields["anniversaryType"] = .string(kind)
            fields["days"] = integer(value["days"], at: path + ["days"], minimum: 1)
        case "bought_skus":
            fields["skuIds"] = strings(value["skuIds"], at: path + ["skuIds"])
        case "bought_makers":
            fields["makers"] = strings(value["makers"], at: path + ["makers"])
        case "bought_labels", "customer_with_labels_values":
            fields["labels"] = labels(value["labels"], at: path + ["labels"], needsValue: type == "bought_labels")
        case "customer_has_labels":
            fields["labels"] = labels(value["labels"], at: path + ["labels"], needsValue: false)
        default: // customer_list
            let entries = (value["customers"]?.list ?? []).compactMap(\.trimmedText)
            if entries.isEmpty { errors.add(Self.atLeastOne, at: path + ["customers"]) }
            for entry in entries { customerEntries.append((id, path + ["customers"], entry)) }
            fields["customers"] = .array([])
        }
        _ = before
        return SegmentCriterion(id: id, type: type, fields: fields)
    }

    private mutating func uuids(_ value: FormValue?, at path: [String]) -> [UUID] {
        let items = value?.list ?? value.map { [$0] } ?? []
        let texts = items.compactMap(\.trimmedText)
        if texts.isEmpty {
            errors.add(FormMessage.notBlank, at: path)
            return []
        }
        let ids = texts.compactMap(UUID.init(uuidString:))
        if ids.count != texts.count { errors.add(FormMessage.invalid, at: path) }
        return ids
    }

    private mutating func integer(_ value: FormValue?, at path: [String], minimum: Int) -> JSONValue {
        guard let value, !value.isBlank else {
            errors.add(FormMessage.notBlank, at: path)
            return .null
        }
        guard let number = value.int, number >= minimum else {
            errors.add(FormMessage.invalid, at: path)
            return .null
        }
        return .integer(Int64(number))
    }

    private mutating func amount(_ value: FormValue?, at path: [String]) -> JSONValue {
        guard let value, !value.isBlank else {
            errors.add(FormMessage.notBlank, at: path)
            return .null
        }
        guard let amount = FormCheck.roundedAmount(value), !amount.isNegative else {
            errors.add(FormMessage.invalid, at: path)
            return .null
        }
        return .string(amount.description)
    }

    private mutating func strings(_ value: FormValue?, at path: [String]) -> JSONValue {
        let items = (value?.list ?? value.map { [$0] } ?? []).compactMap(\.trimmedText)
        if items.isEmpty { errors.add(Self.atLeastOne, at: path) }
        return .array(items.map(JSONValue.string))
    }

    private mutating func labels(_ value: FormValue?, at path: [String], needsValue: Bool) -> JSONValue {
        var result: [JSONValue] = []
        for item in value?.list ?? [] {
            guard let key = item["key"]?.trimmedText else {
                errors.add(FormMessage.invalid, at: path)
                return .array([])
            }
            let text = item["value"]?.trimmedText
            if needsValue, text == nil {
                errors.add(FormMessage.invalid, at: path)
                return .array([])
            }
            result.append(.object(["key": .string(key), "value": .string(text ?? "")]))
        }
        if result.isEmpty { errors.add(Self.atLeastOne, at: path) }
        return .array(result)
    }
}

extension JSONValue {
    /// The numeric text of a stored amount.
    var amountText: String? { text }
}
