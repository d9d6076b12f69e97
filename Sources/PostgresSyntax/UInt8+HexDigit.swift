extension UInt8 {
    /// The value of an ASCII hex digit (`0`-`9`, `a`-`f`, `A`-`F`), for the `\u` escapes of
    /// libpg_query's JSON and the `\u{...}` of Swift string literals; nil for any other byte.
    package var hexDigitValue: UInt32? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(self - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(self - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(self - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
