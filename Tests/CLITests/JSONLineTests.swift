// JSONLine (the bench commands' and rmt-tool haystack's output): the fields come out in the order
// given, nested objects and arrays too, the same text every time; strings are escaped by
// JSONEncoder (quotes, control characters) but slashes are left as written.
import Foundation
import Testing
import RMTCommandLine

@Test func jsonLineKeepsTheOrderOfItsFields() throws {
    let line = JSONLine([
        ("zeta", .int(1)), ("alpha", .string("a/b \"q\"\n")), ("mid", .array([.int(2), .bool(true)])),
        ("object", .object(JSONLine([("y", .fixed(1.23456)), ("b", .double(.infinity))]))), ("beta", .array([])),
    ])
    let expected = #"{"zeta":1,"alpha":"a/b \"q\"\n","mid":[2,true],"object":{"y":1.235,"b":"inf"},"beta":[]}"#
    for _ in 0..<20 { #expect(try line.text() == expected) }
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.text().utf8)) as? [String: Any])
    #expect(parsed["alpha"] as? String == "a/b \"q\"\n")
}
