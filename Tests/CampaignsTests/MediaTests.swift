import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import ServiceKit
import TestSupport
import Testing

@Suite("Campaign photos (CMP-19…21) and brand icon (CMP-12…14)")
struct MediaTests {
    static let notFound = #"{"error":{"code":404,"message":"Not Found"}}"#

    @Test("Photos are added, listed in the details in upload order, served as stored to anyone of the store, and removed")
    func photos() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(level: gold)
            let campaignID = try #require(UUID(uuidString: id))
            let base = "/api/DEFAULT/campaign/\(id)/photo"
            let unknown = try await ThreeServices.admin(api.campaigns, .get, "\(base)/\(UUID().text)")
            #expect(unknown.status == .notFound)
            #expect(unknown.text == Self.notFound)
            let bare = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(bare["hasPhoto"] as? Bool == false)
            #expect(bare["photos"] as? [Any] != nil && (bare["photos"] as? [Any])?.isEmpty == true)

            let first = try await Uploads.upload(api.campaigns, base, field: "photo[file]", filename: "front.png", contentType: "image/png", data: Uploads.png)
            #expect(first.status == .ok, "\(first.text)")
            let firstID = try #require(try first.object()["photoId"] as? String)
            // The type is read from the bytes: a JPEG sent as octet-stream is stored as image/jpeg.
            let second = try await Uploads.upload(api.campaigns, base, field: "photo[file]", filename: "back.jpg", contentType: "application/octet-stream", data: Uploads.jpeg)
            let secondID = try #require(try second.object()["photoId"] as? String)

            let details = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()
            #expect(details["hasPhoto"] as? Bool == true)
            let photos = try #require(details["photos"] as? [[String: String]])
            #expect(photos == [
                ["photoId": firstID, "path": "campaign_photos/\(firstID)", "orginalName": "front.png", "mimeType": "image/png"],
                ["photoId": secondID, "path": "campaign_photos/\(secondID)", "orginalName": "back.jpg", "mimeType": "image/jpeg"],
            ])
            let listed = try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign").object()
            let item = try #require((listed["campaigns"] as? [[String: Any]])?.first)
            #expect(item["hasPhoto"] as? Bool == true && item["photos"] == nil)
            #expect(try await api.pool.query("""
                SELECT count(*) FROM campaigns.campaign_photos WHERE campaign_id = \(campaignID) AND size = \(Uploads.png.count)
                """).scalar(Int.self) == 1)

            let served = try await ThreeServices.admin(api.campaigns, .get, "\(base)/\(firstID)")
            #expect(served.status == .ok)
            #expect(served.bytes == Uploads.png)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.cacheControl] == "no-cache, no-store, must-revalidate")
            let customer = try await api.customer(levelID: gold)
            let seen = try await api.asCustomer(customer, .get, "\(base)/\(secondID)")
            #expect(seen.status == .ok && seen.bytes == Uploads.jpeg)
            #expect(try await api.asSeller(.get, "\(base)/\(firstID)").status == .ok)
            #expect(try await api.asCustomer(customer, .delete, "\(base)/\(firstID)").status == .forbidden)
            #expect(try await api.campaigns.execute(uri: "\(base)/\(firstID)", method: .get, headers: [:], body: nil) { $0 }.status == .unauthorized)

            let removed = try await ThreeServices.admin(api.campaigns, .delete, "\(base)/\(firstID)")
            #expect(removed.status == .noContent)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "\(base)/\(firstID)").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .delete, "\(base)/\(firstID)").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()["hasPhoto"] as? Bool == true)
            #expect(try await ThreeServices.admin(api.campaigns, .delete, "\(base)/\(secondID)").status == .noContent)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()["hasPhoto"] as? Bool == false)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.campaign_photos").scalar(Int.self) == 0)
            let events = try await api.pool.query("""
                SELECT type FROM suite.events WHERE aggregate_id = \(id) AND type LIKE 'CampaignPhoto%' ORDER BY id
                """).map { try $0.decode(String.self, "type") }
            #expect(events == ["CampaignPhotoWasAdded", "CampaignPhotoWasAdded", "CampaignPhotoWasRemoved", "CampaignPhotoWasRemoved"])
        }
    }

    @Test("A missing file or one that is not an image is a form error; another store's campaign is 404 and gets nothing")
    func refusedUploads() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(level: gold)
            let base = "/api/DEFAULT/campaign/\(id)/photo"
            let text = try await Uploads.upload(api.campaigns, base, field: "photo[file]", filename: "notes.png", contentType: "image/png", data: Array("PNGDATA".utf8))
            #expect(text.status == .badRequest)
            #expect(text.text == #"{"form":{"children":{"file":{"errors":["This file is not a valid image."]}}},"errors":[]}"#)
            let none = try await ThreeServices.admin(api.campaigns, .post, base, form: "photo[name]=x")
            #expect(none.status == .badRequest)
            #expect(none.text == #"{"form":{"children":{"file":{"errors":["This value should not be blank."]}}},"errors":[]}"#)
            let icon = try await Uploads.upload(
                api.campaigns, "/api/DEFAULT/campaign/\(id)/brand_icon", field: "brand_icon[file]", filename: "i.txt", contentType: "text/plain", data: Array("hi".utf8)
            )
            #expect(icon.status == .badRequest)
            let unknownCampaign = try await Uploads.upload(
                api.campaigns, "/api/DEFAULT/campaign/\(UUID().text)/photo", field: "photo[file]", filename: "a.png", contentType: "image/png", data: Uploads.png
            )
            #expect(unknownCampaign.status == .notFound)

            try await api.otherStore()
            let elsewhere = try await Uploads.upload(api.campaigns, "/api/OTHER/campaign/\(id)/photo", field: "photo[file]", filename: "a.png", contentType: "image/png", data: Uploads.png)
            #expect(elsewhere.status == .notFound)
            #expect(elsewhere.text == Self.notFound)
            let stored = try await Uploads.upload(api.campaigns, base, field: "photo[file]", filename: "a.png", contentType: "image/png", data: Uploads.png)
            let photoID = try #require(try stored.object()["photoId"] as? String)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/OTHER/campaign/\(id)/photo/\(photoID)").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .delete, "/api/OTHER/campaign/\(id)/photo/\(photoID)").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(UUID().text)/photo/\(photoID)").status == .notFound)
            #expect(try await Uploads.upload(
                api.campaigns, "/api/OTHER/campaign/\(id)/brand_icon", field: "brand_icon[file]", filename: "a.png", contentType: "image/png", data: Uploads.png
            ).status == .notFound)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.campaign_photos").scalar(Int.self) == 1)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.brand_icons").scalar(Int.self) == 0)
        }
    }

    @Test("The brand icon is uploaded (204), replaced by the next upload, served with its type, and removed")
    func brandIcon() async throws {
        try await ThreeServices.run { api in
            let gold = try await api.level("Gold", condition: "100")
            let id = try await api.campaign(level: gold)
            let path = "/api/DEFAULT/campaign/\(id)/brand_icon"
            let missing = try await ThreeServices.admin(api.campaigns, .get, path)
            #expect(missing.status == .notFound)
            #expect(missing.text == Self.notFound)

            let uploaded = try await Uploads.upload(api.campaigns, path, field: "brand_icon[file]", filename: "brand.png", contentType: "image/png", data: Uploads.png)
            #expect(uploaded.status == .noContent, "\(uploaded.text)")
            let replaced = try await Uploads.upload(api.campaigns, path, field: "brand_icon[file]", filename: "brand.gif", contentType: "image/gif", data: Uploads.gif)
            #expect(replaced.status == .noContent)
            let row = try #require(try await api.pool.query("SELECT mime, original_name, count(*) OVER () AS n FROM campaigns.brand_icons").firstRow)
            #expect(try row.decode(String.self, "mime") == "image/gif")
            #expect(try row.decode(String.self, "original_name") == "brand.gif")
            #expect(try row.decode(Int.self, "n") == 1)

            let served = try await ThreeServices.admin(api.campaigns, .get, path)
            #expect(served.bytes == Uploads.gif)
            #expect(served.headers[.contentType] == "image/gif")
            #expect(served.headers[.cacheControl] == "no-cache, no-store, must-revalidate")
            let customer = try await api.customer(levelID: gold)
            #expect(try await api.asCustomer(customer, .get, path).status == .ok)
            #expect(try await api.asCustomer(customer, .delete, path).status == .forbidden)
            // The icon is not a photo.
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/DEFAULT/campaign/\(id)").object()["hasPhoto"] as? Bool == false)

            try await api.otherStore()
            #expect(try await ThreeServices.admin(api.campaigns, .get, "/api/OTHER/campaign/\(id)/brand_icon").status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .delete, "/api/OTHER/campaign/\(id)/brand_icon").status == .notFound)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.brand_icons").scalar(Int.self) == 1)

            let removed = try await ThreeServices.admin(api.campaigns, .delete, path)
            #expect(removed.status == .noContent)
            #expect(try await ThreeServices.admin(api.campaigns, .get, path).status == .notFound)
            #expect(try await ThreeServices.admin(api.campaigns, .delete, path).status == .noContent)
            #expect(try await ThreeServices.admin(api.campaigns, .delete, "/api/DEFAULT/campaign/\(UUID().text)/brand_icon").status == .notFound)
            #expect(try await api.pool.query("SELECT count(*) FROM campaigns.brand_icons").scalar(Int.self) == 0)
        }
    }
}
