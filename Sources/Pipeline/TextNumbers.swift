import Foundation

/// Numbers as the query's outputs print them, fast enough for a base per line over a chromosome.
enum TextNumbers {
    /// `String(format: "%.6g", value)`, byte for byte: six significant digits, trailing zeros dropped, an exponent
    /// below 1e-4 or from 1e6. Digits come from one multiplication by an exact power of ten and a rounding; where the
    /// product lies too close to a rounding tie (or far outside the relevance range) the C library formats it.
    static func sixSignificant(_ value: Float) -> String {
        let x = Double(value)
        if x == 0 { return x.sign == .minus ? "-0" : "0" }
        guard x.isFinite else { return printf(x) }
        let a = abs(x)
        var exponent = Int((log10(a)).rounded(.down))
        guard exponent > -20 && exponent < 20 else { return printf(x) }
        var scaled = exponent <= 5 ? a * powersOfTen[5 - exponent] : a / powersOfTen[exponent - 5]
        if scaled < 100_000 {
            exponent -= 1
            scaled *= 10
        } else if scaled >= 1_000_000 {
            exponent += 1
            scaled /= 10
        }
        let fraction = scaled - scaled.rounded(.down)
        guard abs(fraction - 0.5) > 1e-6, scaled >= 100_000, scaled < 1_000_000 else { return printf(x) }
        var digits = Int(scaled.rounded(.toNearestOrEven))
        if digits == 1_000_000 {
            digits = 100_000
            exponent += 1
        }
        var digit = [UInt8](repeating: 0, count: 6)
        for k in stride(from: 5, through: 0, by: -1) {
            digit[k] = UInt8(digits % 10)
            digits /= 10
        }
        let negative = x < 0
        return String(unsafeUninitializedCapacity: 24) { out in
            var n = 0
            func put(_ byte: UInt8) {
                out[n] = byte
                n += 1
            }
            if negative { put(UInt8(ascii: "-")) }
            let zero = UInt8(ascii: "0")
            if exponent < -4 || exponent >= 6 {
                put(zero + digit[0])
                var last = 5
                while last > 0 && digit[last] == 0 { last -= 1 }
                if last > 0 {
                    put(UInt8(ascii: "."))
                    for k in 1...last { put(zero + digit[k]) }
                }
                put(UInt8(ascii: "e"))
                put(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let magnitude = abs(exponent)
                put(zero + UInt8(magnitude / 10))
                put(zero + UInt8(magnitude % 10))
            } else if exponent >= 0 {
                for k in 0...exponent { put(zero + digit[k]) }
                var last = 5
                while last > exponent && digit[last] == 0 { last -= 1 }
                if last > exponent {
                    put(UInt8(ascii: "."))
                    for k in (exponent + 1)...last { put(zero + digit[k]) }
                }
            } else {
                put(zero)
                put(UInt8(ascii: "."))
                for _ in 0..<(-exponent - 1) { put(zero) }
                var last = 5
                while digit[last] == 0 { last -= 1 }
                for k in 0...last { put(zero + digit[k]) }
            }
            return n
        }
    }

    /// A double as JSONSerialization writes it: Swift's shortest round-trip text without a trailing ".0".
    static func json(_ value: Double) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    private static let powersOfTen: [Double] = (0...25).map { Double("1e\($0)")! }

    private static func printf(_ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        return buffer.withUnsafeMutableBufferPointer { b in
            _ = withVaList([x]) { vsnprintf(b.baseAddress!, 64, "%.6g", $0) }
            return String(cString: b.baseAddress!)
        }
    }
}
