import Foundation
import Testing

@testable import ServiceKit

private func text(_ errors: FormErrors) -> String {
    String(decoding: errors.renderJSON(), as: UTF8.self)
}

@Suite("FormErrors")
struct FormErrorsTests {
    static let registration = FormSchema(["email", "plainPassword", .compound("address", ["street", "city"])])

    @Test func rendersTheOpenLoyaltyDocumentationExample() {
        var errors = FormErrors(schema: Self.registration)
        errors.add(FormMessage.alreadyUsed, at: "email")
        let expected = #"{"form":{"children":{"email":{"errors":["This value is already used."]},"plainPassword":{},"#
            + #""address":{"children":{"street":{},"city":{}}}}},"errors":[]}"#
        #expect(text(errors) == expected)
    }

    @Test func rendersNestedFormLevelAndUndeclaredErrors() {
        var errors = FormErrors(schema: ["email", .compound("address", ["street", "city"]), "agreement"])
        errors.add(FormMessage.invalidEmail, at: "email")
        errors.add(FormMessage.notBlank, at: "address", "city")
        errors.add(FormMessage.invalid, at: "address")
        errors.add("The form is closed.")
        errors.add(FormMessage.alreadyUsed, at: "email")
        errors.add(FormMessage.invalidPhone, at: "phone")
        errors.add("Unknown \"zip\".", at: "address", "zip")
        errors.add("Deeper.", at: "agreement", "version")

        let expected = #"{"form":{"children":{"#
            + #""email":{"errors":["This value is not a valid email address.","This value is already used."]},"#
            + #""address":{"errors":["This value is not valid."],"children":{"street":{},"#
            + #""city":{"errors":["This value should not be blank."]},"zip":{"errors":["Unknown \"zip\"."]}}},"#
            + #""agreement":{"children":{"version":{"errors":["Deeper."]}}},"#
            + #""phone":{"errors":["This value is not a valid phone number."]}}},"#
            + #""errors":["The form is closed."]}"#
        #expect(text(errors) == expected)
    }

    @Test func escapesMessagesAsJSON() throws {
        var errors = FormErrors(schema: ["name"])
        errors.add("He said \"hi\" \\ path\n\t\u{1}é/😀", at: "name")
        let expected = #"{"form":{"children":{"name":{"errors":["He said \"hi\" \\ path\n\t\u0001é/😀"]}}},"errors":[]}"#
        #expect(text(errors) == expected)
        // Foundation agrees it is JSON and reads the message back.
        let object = try JSONSerialization.jsonObject(with: Data(errors.renderJSON())) as? [String: Any]
        let form = object?["form"] as? [String: Any]
        let name = (form?["children"] as? [String: Any])?["name"] as? [String: Any]
        #expect(name?["errors"] as? [String] == ["He said \"hi\" \\ path\n\t\u{1}é/😀"])
    }

    @Test func emptyErrorsAndLookups() {
        var errors = FormErrors(schema: Self.registration)
        #expect(errors.isEmpty)
        #expect(text(errors) == #"{"form":{"children":{"email":{},"plainPassword":{},"address":{"children":{"street":{},"city":{}}}}},"errors":[]}"#)
        #expect(text(FormErrors(schema: [])) == #"{"form":{},"errors":[]}"#)

        errors.add(FormMessage.notBlank, at: "address", "street")
        errors.add("Whole form.")
        #expect(!errors.isEmpty)
        #expect(errors.messages(at: "address", "street") == [FormMessage.notBlank])
        #expect(errors.messages(at: "address") == [])
        #expect(errors.messages(at: "nowhere", "deep") == [])
        #expect(errors.messages() == ["Whole form."])
    }

    @Test func formLevelOnlyIsNotEmpty() {
        var errors = FormErrors(schema: [])
        errors.add("Bad.")
        #expect(!errors.isEmpty)
        #expect(text(errors) == #"{"form":{},"errors":["Bad."]}"#)
    }

    @Test func messagesAreSymfonysWording() {
        #expect(
            [FormMessage.notBlank, FormMessage.alreadyUsed, FormMessage.invalid, FormMessage.invalidEmail, FormMessage.invalidPhone]
                == [
                    "This value should not be blank.", "This value is already used.", "This value is not valid.",
                    "This value is not a valid email address.", "This value is not a valid phone number.",
                ]
        )
    }
}
