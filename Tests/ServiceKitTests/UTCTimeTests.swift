import Foundation
import Postgres
import Testing

@testable import ServiceKit

@Suite("UTC date-times: parsing what forms send, rendering what the APIs show")
struct UTCTimeTests {
    private func seconds(_ text: String) -> Int? { UTCTime.parse(text).map { Int($0.timeIntervalSince1970) } }

    @Test func parsesEveryDocumentedInputForm() {
        let nineTwentyEight = 1_550_654_880  // 2019-02-20T09:28:00Z
        #expect(seconds("2019-02-20 09:28") == nineTwentyEight)
        #expect(seconds(" 2019-02-20 09:28:00 ") == nineTwentyEight)
        #expect(seconds("2019-02-20T09:28:00") == nineTwentyEight)
        #expect(seconds("2019-02-20T09:28:00Z") == nineTwentyEight)
        #expect(seconds("2019-02-20T09:28:00.250Z") == nineTwentyEight)
        #expect(seconds("2019-02-20T10:28:00+0100") == nineTwentyEight)
        #expect(seconds("2019-02-20T10:28:00+01:00") == nineTwentyEight)
        #expect(seconds("2019-02-20T10:28+01") == nineTwentyEight)
        #expect(seconds("2019-02-20T04:58:00-04:30") == nineTwentyEight)
        #expect(seconds("2019-02-20 9:28") == nineTwentyEight)
        #expect(seconds("2019-02-20") == 1_550_620_800)
    }

    @Test func refusesWhatIsNotADateTime() {
        for text in ["", "2019-02-30", "2019-2-20", "20-02-2019 09:28", "2019-02-20 24:00", "2019-02-20 09:60", "2019-02-20 09",
                     "2019-02-20T09:28:00+1", "2019-02-20T09:28:00 CET", "2019-02-20X09:28", "2019-02-20 ٠٩:٢٨", "2019-02-20 09:28:00:00"] {
            #expect(UTCTime.parse(text) == nil, "\(text)")
        }
    }

    @Test func rendersDaysAndTimesInUTC() {
        #expect(UTCTime.dateAndTime(Date(timeIntervalSince1970: 1_550_654_880.9)) == "2019-02-20T09:28:00")
        #expect(UTCTime.dateAndTime(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59")
        #expect(UTCTime.day(of: Date(timeIntervalSince1970: 1_550_620_799)) == LocalDate(year: 2019, month: 2, day: 19))
        #expect(UTCTime.startOfDay(LocalDate(year: 2019, month: 2, day: 20)!) == Date(timeIntervalSince1970: 1_550_620_800))
        #expect(UTCTime.twoDigits(7) == "07" && UTCTime.twoDigits(42) == "42")
    }
}
