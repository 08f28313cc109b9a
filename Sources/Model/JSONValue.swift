import Foundation

/// Reads numbers out of `JSONSerialization` results, where JSON `true`/`false` also arrive as `NSNumber`.
enum JSONValue {
    static func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// The value as an exact integer, or nil for booleans, fractions and non-numbers.
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBool(value) else { return nil }
        if "qlisQLIS".contains(String(cString: number.objCType)) { return Int(exactly: number.int64Value) }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return number.intValue
    }
}
